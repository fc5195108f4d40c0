namespace DeRisk.Subscribers;

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
