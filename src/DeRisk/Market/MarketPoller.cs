using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>Reads every configured source, judges each value's freshness, and stores the snapshot.</summary>
public sealed class MarketPoller(
    IEnumerable<IMarketSource> sources,
    MarketStore store,
    IOptions<MarketOptions> options,
    TimeProvider time,
    ILogger<MarketPoller> logger)
{
    public async Task<MarketSnapshot> PollAsync(CancellationToken cancellationToken)
    {
        var market = options.Value;
        var tracked = market.TrackedAssets;
        var seen = new Dictionary<string, SourceQuote>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            var reading = await source.ReadAsync(tracked, cancellationToken).ConfigureAwait(false);
            foreach (var quote in reading.Quotes)
            {
                if (!seen.TryGetValue(quote.Asset, out var known) || quote.AsOf > known.AsOf)
                {
                    seen[quote.Asset] = quote;
                }
            }
        }

        var now = time.GetUtcNow();
        var quotes = market.AllSymbols.Select(symbol => Judge(symbol, seen.GetValueOrDefault(symbol), now, market.StalenessLimitFor(symbol))).ToList();
        var snapshot = new MarketSnapshot(now, quotes);
        await store.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);

        foreach (var quote in quotes.Where(q => q.Status != QuoteStatus.Ok))
        {
            MarketLog.QuoteUnusable(logger, quote.Asset, quote.Status, now, quote.AsOf);
        }

        var fresh = quotes.Count(q => q.Status == QuoteStatus.Ok);
        MarketLog.SnapshotTaken(logger, now, fresh, quotes.Count - fresh);
        return snapshot;
    }

    /// <summary>A value is usable only if it is as of no longer ago than the limit (and not from the future).</summary>
    internal static SnapshotQuote Judge(string symbol, SourceQuote? quote, DateTimeOffset now, TimeSpan stalenessLimit)
    {
        if (quote is null)
        {
            return SnapshotQuote.Missing(symbol);
        }

        var age = now - quote.AsOf;
        return age > stalenessLimit || age < -stalenessLimit
            ? new SnapshotQuote(symbol, QuoteStatus.Stale, null, quote.AsOf, quote.Source)
            : new SnapshotQuote(symbol, QuoteStatus.Ok, quote.Value, quote.AsOf, quote.Source);
    }
}
