using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>CoinGecko's /api/v3/simple/price with include_last_updated_at.</summary>
public sealed class CoinGeckoSource(HttpClient http, ILogger<CoinGeckoSource> logger) : IMarketSource
{
    public const string SourceName = "coingecko";

    public string Name => SourceName;

    public Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken)
    {
        if (assets.Count == 0)
        {
            return Task.FromResult(MarketReading.Ok([]));
        }

        var ids = string.Join(',', assets.Select(a => Uri.EscapeDataString(a.CoinGeckoId)));
        var path = $"/api/v3/simple/price?ids={ids}&vs_currencies=usd&include_last_updated_at=true";
        return JsonUpstream.ReadAsync(http, path, SourceName, logger, root => Parse(root, assets, logger), cancellationToken);
    }

    /// <summary>
    /// {"bitcoin":{"usd":67187.33,"last_updated_at":1711356300}}; a coin without a usable price is left out. CoinGecko
    /// leaves out ids it does not know: when it answered for others, that is a configuration error, said as one.
    /// </summary>
    private static MarketReading Parse(JsonElement root, IReadOnlyList<TrackedAsset> assets, ILogger logger)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return MarketReading.Failed("response is not a JSON object");
        }

        var quotes = new List<SourceQuote>(assets.Count);
        foreach (var asset in assets)
        {
            if (root.TryGetProperty(asset.CoinGeckoId, out var coin)
                && coin.ValueKind == JsonValueKind.Object
                && coin.TryGetProperty("usd", out var usd) && usd.ValueKind == JsonValueKind.Number
                && coin.TryGetProperty("last_updated_at", out var updated) && updated.ValueKind == JsonValueKind.Number
                && usd.GetDouble() is var price && double.IsFinite(price) && price > 0)
            {
                quotes.Add(new SourceQuote(asset.Symbol, price, DateTimeOffset.FromUnixTimeSeconds(updated.GetInt64()), SourceName));
            }
            else if (!root.TryGetProperty(asset.CoinGeckoId, out _) && root.EnumerateObject().Any())
            {
                MarketLog.UnknownCoinGeckoId(logger, asset.CoinGeckoId, asset.Symbol);
            }
        }

        return MarketReading.Ok(quotes);
    }
}
