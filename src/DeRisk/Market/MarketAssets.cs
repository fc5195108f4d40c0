using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>What rules can watch (Market:Assets and the Fear &amp; Greed index), with the latest values: one table read.</summary>
public sealed class MarketAssets(MarketStore store, IOptions<MarketOptions> options, TimeProvider time)
{
    public async Task<AssetList> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.LatestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        WatchableAsset Describe(string symbol, string kind, string? id)
        {
            var quote = snapshot?.Get(symbol) ?? SnapshotQuote.Missing(symbol);
            var usable = quote.Status == QuoteStatus.Ok;
            return new WatchableAsset(symbol, kind, id, Assets.IsStablecoin(symbol), quote.Status.ToString().ToLowerInvariant(),
                usable ? quote.Value : null, quote.AsOf, usable && quote.AsOf is { } asOf ? Math.Max(0, (now - asOf).TotalSeconds) : null);
        }

        var assets = options.Value.TrackedAssets.Select(a => Describe(a.Symbol, "price", a.CoinGeckoId))
            .Append(Describe(Assets.FearAndGreed, "index", null))
            .ToList();
        return new AssetList(snapshot?.TakenAt, assets);
    }
}
