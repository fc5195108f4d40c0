using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>
/// CoinGecko: /api/v3/simple/price with include_last_updated_at for the poll (every tracked id in one call),
/// /api/v3/coins/{id}/market_chart?interval=daily for the backfill of daily rows, and the same endpoint without an
/// interval (auto granularity: 5-minute points for days=1, hourly for 2-90 days) for the backfill of recent points.
/// </summary>
public sealed class CoinGeckoSource(HttpClient http, ILogger<CoinGeckoSource> logger) : IMarketSource, IHistorySource, IIntradaySource
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

    public IReadOnlyList<TrackedAsset> HistoryOf(IReadOnlyList<TrackedAsset> tracked) => tracked;

    /// <summary>
    /// {"prices":[[1711843200000,69702.31],...],"market_caps":[...],"total_volumes":[...]}: one price per UTC midnight
    /// (the newest as of now). An id CoinGecko does not know is a 404 {"error":"coin not found"}: a configuration error.
    /// </summary>
    public Task<MarketReading> ReadDailyAsync(TrackedAsset asset, int days, CancellationToken cancellationToken) =>
        ReadChartAsync(asset, string.Create(CultureInfo.InvariantCulture, $"days={days}&interval=daily"), cancellationToken);

    /// <summary>
    /// market_chart with CoinGecko's automatic granularity (https://docs.coingecko.com/reference/coins-id-market-chart):
    /// days=1 gives 5-minute points of the last 24 hours, days=2..90 hourly points; the last point is as of now. (An
    /// explicit interval=hourly or 5m is for Enterprise plans only.) The same shape and errors as the daily chart.
    /// </summary>
    public Task<MarketReading> ReadIntradayAsync(TrackedAsset asset, int days, CancellationToken cancellationToken) =>
        ReadChartAsync(asset, string.Create(CultureInfo.InvariantCulture, $"days={Math.Clamp(days, 1, IIntradaySource.MaxDays)}"), cancellationToken);

    private Task<MarketReading> ReadChartAsync(TrackedAsset asset, string range, CancellationToken cancellationToken)
    {
        var path = $"/api/v3/coins/{Uri.EscapeDataString(asset.CoinGeckoId)}/market_chart?vs_currency=usd&{range}";
        return JsonUpstream.ReadAsync(http, path, SourceName, logger, root => ParseChart(root, asset), cancellationToken, (status, message) =>
        {
            if (status != 404)
            {
                return null;
            }

            MarketLog.UnknownCoinGeckoId(logger, asset.CoinGeckoId, asset.Symbol);
            return MarketReading.Failed($"HTTP 404: {message ?? "not found"}") with { ConfigurationErrors = [UnknownId(asset)] };
        });
    }

    internal static string UnknownId(TrackedAsset asset) => $"CoinGecko does not know the id '{asset.CoinGeckoId}' ({asset.Symbol}): check Market:Assets";

    private static MarketReading ParseChart(JsonElement root, TrackedAsset asset)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("prices", out var prices) || prices.ValueKind != JsonValueKind.Array)
        {
            return MarketReading.Failed("response has no prices");
        }

        var points = new List<SourceQuote>(prices.GetArrayLength());
        foreach (var pair in prices.EnumerateArray())
        {
            if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                && pair[0].ValueKind == JsonValueKind.Number && pair[0].TryGetInt64(out var milliseconds)
                && pair[1].ValueKind == JsonValueKind.Number && pair[1].GetDouble() is var price && double.IsFinite(price) && price > 0)
            {
                points.Add(new SourceQuote(asset.Symbol, price, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), SourceName));
            }
        }

        return MarketReading.Ok(points);
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
        var unknown = new List<string>();
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
                unknown.Add(UnknownId(asset));
            }
        }

        return MarketReading.Ok(quotes) with { ConfigurationErrors = unknown };
    }
}
