using DeRisk.Rules;

namespace DeRisk.Subscribers;

/// <summary>A subscriber, the channel DeRisk may reach them on, and how they want to be reached.</summary>
public sealed record Subscriber(string Id, string Phone, bool SmsEnabled, DateTimeOffset CreatedAt, DeliveryPreferences? Preferences = null)
{
    public DeliveryPreferences Delivery => Preferences ?? DeliveryPreferences.Default;
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
public static class Redact
{
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
}
