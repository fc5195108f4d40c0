using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>
/// Reads every configured source, judges each value's freshness, and stores the snapshot and each source's state. (The
/// backfill runs before, as its own step: at start and in the tick before it polls.)
/// </summary>
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
        var polledAt = time.GetUtcNow();
        bool Trusted(SourceQuote q) => q.AsOf <= polledAt + MaxClockSkew;
        var readings = new List<(string Source, MarketReading Reading)>();
        foreach (var source in sources)
        {
            var reading = await source.ReadAsync(tracked, cancellationToken).ConfigureAwait(false);
            readings.Add((source.Name, reading));
            foreach (var quote in reading.Quotes)
            {
                // The newest value wins, but one stamped in the future never beats one that is not.
                if (!seen.TryGetValue(quote.Asset, out var known) || (Trusted(quote) && (!Trusted(known) || quote.AsOf > known.AsOf)))
                {
                    seen[quote.Asset] = quote;
                }
            }
        }

        var now = time.GetUtcNow();
        var quotes = market.AllSymbols.Select(symbol => Judge(symbol, seen.GetValueOrDefault(symbol), now, market.StalenessLimitFor(symbol))).ToList();
        var snapshot = new MarketSnapshot(now, quotes);
        await store.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);

        // After the snapshot's time is taken: the state's reads and writes never age the values it judges.
        foreach (var (source, reading) in readings)
        {
            await RecordStateAsync(source, reading, polledAt, cancellationToken).ConfigureAwait(false);
        }

        foreach (var quote in quotes.Where(q => q.Status != QuoteStatus.Ok))
        {
            MarketLog.QuoteUnusable(logger, quote.Asset, quote.Status, now, quote.AsOf);
        }

        var fresh = quotes.Count(q => q.Status == QuoteStatus.Ok);
        MarketLog.SnapshotTaken(logger, now, fresh, quotes.Count - fresh);
        return snapshot;
    }

    /// <summary>
    /// Keeps the source's state for the health endpoint: ok, failing since the first failure, or misconfigured (it
    /// answered, but not for an id we asked), with the last error. Written only when it changes.
    /// </summary>
    private async Task RecordStateAsync(string source, MarketReading reading, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var error = reading.Failure ?? (reading.ConfigurationErrors.Count > 0 ? string.Join("; ", reading.ConfigurationErrors) : null);
        var status = reading.ConfigurationErrors.Count > 0 ? SourceStatus.Misconfigured : reading.Failure is null ? SourceStatus.Ok : SourceStatus.Failing;
        var known = await store.ReadSourceStateAsync(source, cancellationToken).ConfigureAwait(false);
        if (known is not null && known.State == status && (error is null || error == known.LastError))
        {
            return;
        }

        var since = known is not null && known.State == status ? known.Since : now;
        await store.SaveSourceStateAsync(new SourceState(source, status, since, error ?? known?.LastError, error is null ? known?.LastErrorAt : now), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How far ahead of our clock a provider's timestamp may be and still be taken (as of now).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A value is usable only if it is as of no longer ago than the limit. One stamped in the future is never taken as
    /// fresh: within <see cref="MaxClockSkew"/> it counts as of now (clocks differ a little), beyond it it is unusable
    /// (stale), so no future history, no daily row for tomorrow and no negative age.
    /// </summary>
    internal static SnapshotQuote Judge(string symbol, SourceQuote? quote, DateTimeOffset now, TimeSpan stalenessLimit)
    {
        if (quote is null)
        {
            return SnapshotQuote.Missing(symbol);
        }

        if (quote.AsOf > now + MaxClockSkew)
        {
            return new SnapshotQuote(symbol, QuoteStatus.Stale, null, quote.AsOf, quote.Source);
        }

        var asOf = quote.AsOf > now ? now : quote.AsOf;
        return now - asOf > stalenessLimit
            ? new SnapshotQuote(symbol, QuoteStatus.Stale, null, asOf, quote.Source)
            : new SnapshotQuote(symbol, QuoteStatus.Ok, quote.Value, asOf, quote.Source);
    }
}
