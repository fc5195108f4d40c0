using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>
/// The Crypto Fear &amp; Greed Index from alternative.me's /fng/. The index changes once a day: a poll before its
/// <c>time_until_update</c> has passed reuses the value it has (<see cref="FearAndGreedSchedule"/>) instead of asking again.
/// </summary>
public sealed class AlternativeMeSource(HttpClient http, FearAndGreedSchedule schedule, ILogger<AlternativeMeSource> logger) : IMarketSource, IHistorySource
{
    public const string SourceName = "alternative.me";

    public string Name => SourceName;

    public async Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken)
    {
        if (schedule.Current() is { } known)
        {
            return MarketReading.Ok([known]);
        }

        var reading = await JsonUpstream.ReadAsync(http, "/fng/?limit=1", SourceName, logger, root => Parse(root, 1), cancellationToken).ConfigureAwait(false);
        if (reading.Failure is null && reading.Quotes.Count == 1)
        {
            schedule.Remember(reading.Quotes[0], reading.NextUpdateIn);
        }

        return reading;
    }

    public IReadOnlyList<TrackedAsset> HistoryOf(IReadOnlyList<TrackedAsset> tracked) => [new TrackedAsset(Assets.FearAndGreed, "")];

    /// <summary>/fng/?limit=N: the last N days, newest first, each as of its UTC midnight.</summary>
    public Task<MarketReading> ReadDailyAsync(TrackedAsset asset, int days, CancellationToken cancellationToken) =>
        JsonUpstream.ReadAsync(http, string.Create(CultureInfo.InvariantCulture, $"/fng/?limit={days}"), SourceName, logger, root => Parse(root, days), cancellationToken);

    /// <summary>{"data":[{"value":"40","timestamp":"1551157200","time_until_update":"68499",...}],"metadata":{"error":null}}</summary>
    private static MarketReading Parse(JsonElement root, int count)
    {
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            return MarketReading.Failed("upstream error: " + error.GetString());
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
        {
            return MarketReading.Failed("response has no data");
        }

        var quotes = new List<SourceQuote>(Math.Min(count, data.GetArrayLength()));
        foreach (var entry in data.EnumerateArray().Take(count))
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !TryReadInteger(entry, "value", out var value) || value is < 0 or > 100
                || !TryReadInteger(entry, "timestamp", out var timestamp))
            {
                return MarketReading.Failed($"data[{quotes.Count}] lacks a value 0..100 and a timestamp");
            }

            quotes.Add(new SourceQuote(Assets.FearAndGreed, value, DateTimeOffset.FromUnixTimeSeconds(timestamp), SourceName));
        }

        // Only the newest entry says when the next value comes.
        var nextUpdate = TryReadInteger(data[0], "time_until_update", out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return MarketReading.Ok(quotes) with { NextUpdateIn = nextUpdate };
    }

    // alternative.me sends numbers as strings ("value": "40", "timestamp": "1551157200").
    private static bool TryReadInteger(JsonElement element, string name, out long value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out var property))
        {
            return false;
        }

        return property.ValueKind switch
        {
            JsonValueKind.String => long.TryParse(property.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            JsonValueKind.Number => property.TryGetInt64(out value),
            _ => false,
        };
    }
}
