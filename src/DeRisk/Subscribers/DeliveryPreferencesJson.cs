using System.Globalization;
using System.Text.Json;

namespace DeRisk.Subscribers;

/// <summary>The JSON form of delivery preferences, shared by the subscriber API and the backtest's rules file.</summary>
public static class DeliveryPreferencesJson
{
    /// <summary>timeZone (IANA, default UTC), quietHours {start, end} as "HH:mm" local times, dailyCap 1..100 (default 10).</summary>
    public static DeliveryPreferences Read(JsonElement body, Dictionary<string, string[]> errors)
    {
        var zone = "UTC";
        if (body.TryGetProperty("timeZone", out var tz) && tz.ValueKind != JsonValueKind.Null)
        {
            if (tz.ValueKind == JsonValueKind.String && tz.GetString() is { Length: > 0 and <= 64 } name
                && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) && found.HasIanaId)
            {
                zone = found.Id;
            }
            else
            {
                errors["timeZone"] = ["Must be an IANA time zone such as Europe/London or America/New_York."];
            }
        }

        TimeOnly? start = null, end = null;
        if (body.TryGetProperty("quietHours", out var quiet) && quiet.ValueKind != JsonValueKind.Null)
        {
            if (quiet.ValueKind != JsonValueKind.Object)
            {
                errors["quietHours"] = ["Must be an object {\"start\": \"22:00\", \"end\": \"07:00\"}."];
            }
            else
            {
                start = ReadTime(quiet, "start", errors);
                end = ReadTime(quiet, "end", errors);
                foreach (var property in quiet.EnumerateObject().Where(p => p.Name is not ("start" or "end")))
                {
                    errors["quietHours." + (property.Name.Length <= 40 ? property.Name : property.Name[..40])] = ["Unknown field."];
                }

                if (start is not null && start == end)
                {
                    errors["quietHours.end"] = ["Must differ from start."];
                }
            }
        }

        var cap = DeliveryPreferences.DefaultDailyCap;
        if (body.TryGetProperty("dailyCap", out var capElement) && capElement.ValueKind != JsonValueKind.Null)
        {
            if (capElement.ValueKind == JsonValueKind.Number && capElement.TryGetInt32(out var value) && value is >= 1 and <= DeliveryPreferences.MaxDailyCap)
            {
                cap = value;
            }
            else
            {
                errors["dailyCap"] = [$"Must be a whole number from 1 to {DeliveryPreferences.MaxDailyCap}."];
            }
        }

        return new DeliveryPreferences(zone, start, end, cap);
    }

    private static TimeOnly? ReadTime(JsonElement quiet, string name, Dictionary<string, string[]> errors)
    {
        if (quiet.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && TimeOnly.TryParseExact(value.GetString(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors["quietHours." + name] = ["Required: a local time \"HH:mm\"."];
        return null;
    }
}
