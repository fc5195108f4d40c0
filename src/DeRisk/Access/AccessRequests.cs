using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using DeRisk.Subscribers;

namespace DeRisk.Access;

/// <summary>POST /subscribers: phone and/or email, and optional delivery preferences.</summary>
[Description("Sign up (or sign in) with a phone and/or an email; the preferences are optional.")]
public sealed record SignUpRequest(
    [property: Description("E.164 mobile number in one of the SMS countries, e.g. +14155550123.")] string? Phone = null,
    [property: Description("Email address (ASCII).")] string? Email = null,
    [property: Description("IANA time zone, default UTC.")] string? TimeZone = null,
    QuietHoursRequest? QuietHours = null,
    [property: Range(1, DeliveryPreferences.MaxDailyCap), Description("Alerts per local day, default 10; critical alerts are not capped.")] int? DailyCap = null)
{
    public PreferencesRequest Preferences => new(TimeZone, QuietHours, DailyCap);
}

/// <summary>POST /subscribers/confirm: one address, its 6-digit code, and the sign-up's id to join a second address.</summary>
[Description("One address (phone or email) and the code sent to it.")]
public sealed record ConfirmRequest(
    string? Phone = null,
    string? Email = null,
    [property: RegularExpression(CodeRequests.CodePattern), Description("The 6-digit code that was sent.")] string? Code = null,
    [property: StringLength(64), Description("The signUpId of the sign-up that sent the code; needed to confirm a second address of one sign-up.")] string? SignUpId = null);

/// <summary>POST /me/channels: a new address of the subscriber, phone or email.</summary>
[Description("One address: a phone (E.164, a mobile in one of the allowed SMS countries) or an email.")]
public sealed record AddChannelRequest(string? Phone = null, string? Email = null);

/// <summary>POST /me/channels/confirm: the new address and its 6-digit code.</summary>
[Description("The new address (phone or email) and the code sent to it.")]
public sealed record ConfirmChannelRequest(
    string? Phone = null,
    string? Email = null,
    [property: RegularExpression(CodeRequests.CodePattern), Description("The 6-digit code that was sent.")] string? Code = null);

internal static class CodeRequests
{
    public const string CodePattern = "^[0-9]{6}$";
}
