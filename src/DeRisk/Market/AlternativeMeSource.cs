using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>The Crypto Fear &amp; Greed Index from alternative.me's /fng/.</summary>
public sealed class AlternativeMeSource(HttpClient http, ILogger<AlternativeMeSource> logger) : IMarketSource
{
    public const string SourceName = "alternative.me";

    public string Name => SourceName;

    public Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken) =>
        JsonUpstream.ReadAsync(http, "/fng/?limit=1", SourceName, logger, Parse, cancellationToken);

    /// <summary>{"data":[{"value":"40","timestamp":"1551157200",...}],"metadata":{"error":null}}</summary>
    private static MarketReading Parse(JsonElement root)
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

        var latest = data[0];
        if (latest.ValueKind != JsonValueKind.Object
            || !TryReadInteger(latest, "value", out var value) || value is < 0 or > 100
            || !TryReadInteger(latest, "timestamp", out var timestamp))
        {
            return MarketReading.Failed("data[0] lacks a value 0..100 and a timestamp");
        }

        return MarketReading.Ok([new SourceQuote(Assets.FearAndGreed, value, DateTimeOffset.FromUnixTimeSeconds(timestamp), SourceName)]);
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
