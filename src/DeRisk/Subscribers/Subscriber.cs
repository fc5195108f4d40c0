using DeRisk.Rules;

namespace DeRisk.Subscribers;

/// <summary>
/// Where a channel (SMS, email) stands. Only an <see cref="Active"/> channel gets alerts: a new address is
/// <see cref="Pending"/> until its confirmation code comes back, STOP makes it <see cref="Stopped"/>, a provider's
/// permanent refusal (invalid number, bounced address) makes it <see cref="Failed"/>.
/// </summary>
public static class ChannelState
{
    public const string None = "none";
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Stopped = "stopped";
    public const string Failed = "failed";

    public static bool IsKnown(string? state) => state is None or Pending or Active or Stopped or Failed;

    /// <summary>Whether the address was confirmed at some point (active, or since stopped or failed).</summary>
    public static bool IsConfirmed(string state) => state is not (None or Pending);
}

/// <summary>A subscriber, the channels DeRisk may reach them on, and how they want to be reached.</summary>
public sealed record Subscriber(
    string Id,
    string? Phone,
    string SmsState,
    string? Email,
    string EmailState,
    DateTimeOffset CreatedAt,
    DeliveryPreferences? Preferences = null)
{
    public DeliveryPreferences Delivery => Preferences ?? DeliveryPreferences.Default;

    public bool SmsEnabled => Phone is not null && SmsState == ChannelState.Active;

    public bool EmailEnabled => Email is not null && EmailState == ChannelState.Active;

    /// <summary>The address and whether alerts may go to it, for a channel name ("sms", "email").</summary>
    public (string? Address, bool Enabled) ChannelFor(string channel) => channel switch
    {
        DeRisk.Delivery.Notification.SmsChannel => (Phone, SmsEnabled),
        DeRisk.Delivery.Notification.EmailChannel => (Email, EmailEnabled),
        _ => (null, false),
    };

    /// <summary>A subscriber reachable by SMS only, already confirmed (seeding, demos, tests).</summary>
    public static Subscriber WithSms(string id, string phone, DateTimeOffset createdAt, DeliveryPreferences? preferences = null) =>
        new(id, phone, ChannelState.Active, null, ChannelState.None, createdAt, preferences);
}

/// <summary>
/// When a subscriber may be reached: quiet hours in their IANA time zone (non-critical alerts wait for the end of
/// them) and a cap on notifications per local day (critical alerts are never held back by it).
/// </summary>
public sealed record DeliveryPreferences(string TimeZone, TimeOnly? QuietStart, TimeOnly? QuietEnd, int DailyCap)
{
    public const int DefaultDailyCap = 10;
    public const int MaxDailyCap = 100;

    public static readonly DeliveryPreferences Default = new("UTC", null, null, DefaultDailyCap);

    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The subscriber's local date at <paramref name="instant"/>.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>If <paramref name="instant"/> falls in quiet hours, the UTC instant they end; otherwise null.</summary>
    public DateTimeOffset? QuietUntil(DateTimeOffset instant)
    {
        if (QuietStart is not { } start || QuietEnd is not { } end || start == end)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = start < end ? time >= start && time < end : time >= start || time < end;
        if (!inside)
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (time >= end)
        {
            endDate = endDate.AddDays(1);
        }

        // The end of quiet hours as a local wall time; through a DST gap it lands just after the gap.
        var endLocal = endDate.ToDateTime(end);
        while (Zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(30);
        }

        return new DateTimeOffset(endLocal, Zone.GetUtcOffset(endLocal));
    }
}

/// <summary>A rule as stored: its id, its spec and when it was added.</summary>
public sealed record StoredRule(string Id, RuleSpec Spec, DateTimeOffset CreatedAt);

public sealed record SubscriberWithRules(Subscriber Subscriber, IReadOnlyList<StoredRule> Rules);

/// <summary>Masks personal data before it reaches a log line.</summary>
public static partial class Redact
{
    /// <summary>Free text (a provider's error message) with every phone-number-like run of digits and every email masked.</summary>
    public static string Text(string? text) =>
        string.IsNullOrEmpty(text) ? "" : EmailPattern().Replace(PhonePattern().Replace(text, m => Phone(m.Value)), m => Email(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"\+?\d[\d\- ]{5,18}\d")]
    private static partial System.Text.RegularExpressions.Regex PhonePattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s@<>""',;]+@[^\s@<>""',;]+")]
    private static partial System.Text.RegularExpressions.Regex EmailPattern();

    /// <summary>"+14155550123" becomes "+1*******23": the country code's first digit and the last two digits stay.</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }

        if (phone.Length <= 5)
        {
            return new string('*', phone.Length);
        }

        return string.Concat(phone.AsSpan(0, 2), new string('*', phone.Length - 4), phone.AsSpan(phone.Length - 2));
    }

    /// <summary>"alice@example.com" becomes "a****@e******.com": first letters and the top-level domain stay.</summary>
    public static string Email(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "";
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return new string('*', email.Length);
        }

        var domain = email[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        var host = dot > 0 ? domain[..dot] : domain;
        var tld = dot > 0 ? domain[dot..] : "";
        return string.Concat(email[..1], new string('*', at - 1), "@" + host[..1], new string('*', host.Length - 1) + tld);
    }

    /// <summary>A secret (code, token) in a log line: its first four characters and its length.</summary>
    public static string Secret(string? secret) =>
        string.IsNullOrEmpty(secret) ? "" : string.Concat(secret.AsSpan(0, Math.Min(4, secret.Length / 4)), $"…({secret.Length})");
}
