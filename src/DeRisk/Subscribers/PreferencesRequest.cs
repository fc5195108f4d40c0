using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using DeRisk.Contracts;

namespace DeRisk.Subscribers;

/// <summary>
/// Delivery preferences as a request writes them (sign-up, PATCH /me, a rules file): timeZone (IANA, default UTC),
/// quietHours, dailyCap 1..100 (default 10).
/// </summary>
[Description("A JSON merge patch of the delivery preferences: absent fields stay, null clears quiet hours.")]
public sealed record PreferencesRequest(
    [property: Description("IANA time zone, default UTC.")] string? TimeZone = null,
    QuietHoursRequest? QuietHours = null,
    [property: Range(1, DeliveryPreferences.MaxDailyCap), Description("Alerts per local day, default 10; critical alerts are not capped.")] int? DailyCap = null)
{
    public const string TimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    /// <summary>The preferences, with every problem in <paramref name="errors"/>.</summary>
    public DeliveryPreferences Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var zone = "UTC";
        if (TimeZone is not null)
        {
            if (TimeZone is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var found) && found.HasIanaId)
            {
                zone = found.Id;
            }
            else
            {
                errors.Add("timeZone", "Must be an IANA time zone such as Europe/London or America/New_York.");
            }
        }

        TimeOnly? start = null, end = null;
        if (QuietHours is not null)
        {
            start = Time(QuietHours.Start, "quietHours.start", errors);
            end = Time(QuietHours.End, "quietHours.end", errors);
            if (start is not null && start == end)
            {
                errors.Add("quietHours.end", "Must differ from start.");
            }
        }

        if (DailyCap is < 1 or > DeliveryPreferences.MaxDailyCap)
        {
            errors.Add("dailyCap", $"Must be a whole number from 1 to {DeliveryPreferences.MaxDailyCap}.");
        }

        return new DeliveryPreferences(zone, start, end, DailyCap ?? DeliveryPreferences.DefaultDailyCap);
    }

    /// <summary>The request form of stored preferences, for a merge patch.</summary>
    public static PreferencesRequest Of(DeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return new(preferences.TimeZone,
            preferences is { QuietStart: { } start, QuietEnd: { } end }
                ? new QuietHoursRequest(start.ToString("HH:mm", CultureInfo.InvariantCulture), end.ToString("HH:mm", CultureInfo.InvariantCulture))
                : null,
            preferences.DailyCap);
    }

    private static TimeOnly? Time(string text, string field, FieldErrors errors)
    {
        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add(field, "Required: a local time \"HH:mm\".");
        return null;
    }
}
