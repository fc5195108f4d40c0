using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using DeRisk.Subscribers;

namespace DeRisk.SignUp;

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

internal static class CodeRequests
{
    public const string CodePattern = "^[0-9]{6}$";
}
