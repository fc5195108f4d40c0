using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>What one backfill pass did.</summary>
public sealed record BackfillResult(int Calls, int DaysWritten, int Failed, int Settled, TimeSpan Took);

/// <summary>
/// Fills the daily history the rules read (Market:DailyHistoryDays, a year) from the providers' history endpoints into
/// the tables the poller writes, so the first tick after a deployment — or after an asset is added to Market:Assets —
/// evaluates every rule kind. Idempotent and resumable: an asset whose days are all stored (or were already asked for)
/// costs no call, each asset is recorded when done, and a failed one is tried again after Market:BackfillRetryAfter.
/// A provider's calls are paced (CoinGecko: its plan's calls per minute). Runs before a poll (the poller calls it),
/// checks again at the next UTC day; one pass at a time per app.
/// </summary>
public sealed class MarketBackfill(
    IEnumerable<IHistorySource> sources,
    MarketStore store,
    IOptions<MarketOptions> options,
    IOptions<CoinGeckoOptions> coinGecko,
    TimeProvider time,
    [FromKeyedServices(Clocks.Wall)] TimeProvider wallClock,
    ILogger<MarketBackfill> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    /// <summary>Runs a pass when one is due (the first call, the next UTC day, or a retry); otherwise returns at once.</summary>
    public async Task<BackfillResult?> EnsureAsync(CancellationToken cancellationToken)
    {
        // The next check is on the wall clock: in live mode the same as market time; in a replay, where a market day
        // passes in seconds, the pass (reads of every asset's year) is not repeated before every daily tick.
        if (!options.Value.Backfill || wallClock.GetUtcNow() < _nextCheck)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (wallClock.GetUtcNow() < _nextCheck)
            {
                return null;
            }

            var result = await RunAsync(cancellationToken).ConfigureAwait(false);
            var now = wallClock.GetUtcNow();
            var tomorrow = new DateTimeOffset(Assets.DayOf(now).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            _nextCheck = result.Failed > 0 && now + options.Value.BackfillRetryAfter < tomorrow ? now + options.Value.BackfillRetryAfter : tomorrow;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>One pass over every source and asset.</summary>
    public async Task<BackfillResult> RunAsync(CancellationToken cancellationToken)
    {
        var market = options.Value;
        var started = wallClock.GetTimestamp();
        int calls = 0, written = 0, failed = 0, settled = 0;
        foreach (var source in sources)
        {
            var interval = source.Name == CoinGeckoSource.SourceName ? coinGecko.Value.BackfillCallInterval : TimeSpan.Zero;
            var maxDays = source.Name == CoinGeckoSource.SourceName ? coinGecko.Value.MaxHistoryDays : int.MaxValue;
            long? lastCall = null;
            foreach (var asset in source.HistoryOf(market.TrackedAssets))
            {
                var now = time.GetUtcNow();
                var today = Assets.DayOf(now);
                var stored = (await store.ReadDailyAsync(asset.Symbol, today.AddDays(-market.DailyHistoryDays), today, cancellationToken).ConfigureAwait(false))
                    .Select(d => d.Day).ToHashSet();
                var mark = await store.ReadBackfillMarkAsync(asset.Symbol, cancellationToken).ConfigureAwait(false);
                var earliestMissing = Enumerable.Range(1, market.DailyHistoryDays - 1)
                    .Select(back => today.AddDays(-back))
                    .Where(day => !stored.Contains(day) && mark?.Covers(day) != true)
                    .Cast<DateOnly?>()
                    .LastOrDefault();
                if (earliestMissing is not { } from)
                {
                    settled++;
                    continue;
                }

                if (mark?.FailedAt is { } failedAt && now - failedAt < market.BackfillRetryAfter)
                {
                    failed++;
                    continue;
                }

                if (lastCall is { } last && wallClock.GetElapsedTime(last) < interval)
                {
                    await Task.Delay(interval - wallClock.GetElapsedTime(last), wallClock, cancellationToken).ConfigureAwait(false);
                }

                var days = Math.Min(today.DayNumber - from.DayNumber + 1, maxDays);
                lastCall = wallClock.GetTimestamp();
                calls++;
                var reading = await source.ReadDailyAsync(asset, days, cancellationToken).ConfigureAwait(false);
                if (reading.Failure is { } reason)
                {
                    failed++;
                    await store.SaveBackfillMarkAsync(asset.Symbol, (mark ?? new BackfillMark(null, null, null, null)) with { FailedAt = now, Error = reason }, cancellationToken).ConfigureAwait(false);
                    MarketLog.BackfillFailed(logger, asset.Symbol, source.Name, reason);
                    continue;
                }

                // Only values of the past: a point stamped in the future (beyond the clock skew) is not history.
                var points = reading.Quotes.Where(p => p.AsOf <= now + MarketPoller.MaxClockSkew).ToList();
                var count = await store.SaveBackfillAsync(asset.Symbol, points, stored, today, now - market.HistoryRetention, cancellationToken).ConfigureAwait(false);
                written += count;
                var asked = today.AddDays(-days);
                var coveredFrom = mark is { CoveredFrom: { } knownFrom, CoveredTo: { } knownTo } && knownTo.AddDays(1) >= asked
                    ? (knownFrom < asked ? knownFrom : asked)
                    : asked;
                await store.SaveBackfillMarkAsync(asset.Symbol, new BackfillMark(coveredFrom, today, null, null), cancellationToken).ConfigureAwait(false);
                MarketLog.Backfilled(logger, asset.Symbol, source.Name, days, count);
            }
        }

        var result = new BackfillResult(calls, written, failed, settled, wallClock.GetElapsedTime(started));
        MarketLog.BackfillPass(logger, result.Calls, result.DaysWritten, result.Failed, result.Settled, result.Took.TotalSeconds);
        return result;
    }
}
