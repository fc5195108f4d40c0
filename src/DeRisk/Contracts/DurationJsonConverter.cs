using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeRisk.Contracts;

/// <summary>
/// Durations as people write them in rules, a whole number and a unit: "90s", "15m", "6h", "2d". Read into a
/// <see cref="TimeSpan"/>; written in the largest unit that keeps the number whole.
/// </summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public const string Pattern = "^[0-9]{1,6}[smhd]$";

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Parse(reader.GetString()) is { } span
            ? span
            : throw new JsonException("Must be a duration such as \"30m\", \"6h\" or \"1d\".");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }

    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length is < 2 or > 7
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
    }

    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerDay == 0 && value.Ticks != 0 ? Invariant(value.TotalDays, 'd')
        : value.Ticks % TimeSpan.TicksPerHour == 0 && value.Ticks != 0 ? Invariant(value.TotalHours, 'h')
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? Invariant(value.TotalMinutes, 'm')
        : Invariant(Math.Round(value.TotalSeconds), 's');

    private static string Invariant(double amount, char unit) => ((long)amount).ToString(CultureInfo.InvariantCulture) + unit;
}
