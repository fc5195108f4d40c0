using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>
/// Fills the history the rules read from the providers' history endpoints into the tables the poller writes, so the
/// first tick after a deployment — or after an asset is added to Market:Assets — evaluates every rule kind: the daily
/// rows (Market:DailyHistoryDays, a year) for drawdown and portfolio rules, and the recent points (CoinGecko's hourly
/// points over the history window, its 5-minute points of the last day) for priceChange windows. Idempotent and
/// resumable: an asset whose days and recent points are all stored (or were already asked for) costs no call, each
/// asset is recorded when done, and a failed one is tried again after Market:BackfillRetryAfter. CoinGecko's calls are
/// paced (its plan's calls per minute) and capped per asset and UTC day (<see cref="CallsOnFirstDay"/> on the asset's
/// first day, <see cref="CallsPerDay"/> after), which the monthly budget counts. One instance at a time: a pass holds a
/// lease (Market:BackfillLease); another instance skips and ticks on the history there is. Runs at start
/// (<see cref="MarketBackfillOnStart"/>) and before a tick when due (the next UTC day, or a retry).
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
    /// <summary>CoinGecko history calls an asset may make on the day of its first backfill: the year of daily rows, the hourly points, the 5-minute points.</summary>
    public const int CallsOnFirstDay = 3;

    /// <summary>CoinGecko history calls an asset may make on any later UTC day (a gap after an outage: recent points first, then daily rows).</summary>
    public const int CallsPerDay = 1;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    /// <summary>
    /// Runs a pass when one is due (the first call, the next UTC day, or a retry) and this instance gets the lease;
    /// otherwise returns at once (null when not due; <see cref="BackfillResult.HeldBy"/> set when another instance holds it).
    /// A call while a pass runs here waits for it, then returns null.
    /// </summary>
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

            var market = options.Value;
            var lease = store.BackfillLease(wallClock);
            var outcome = await lease.TryAcquireAsync(_owner, market.BackfillLease, cancellationToken).ConfigureAwait(false);
            if (!outcome.Acquired)
            {
                // Another instance fills the history; look again once its lease would have run out.
                var now = wallClock.GetUtcNow();
                var until = outcome.Until is { } held && held > now ? held : now;
                MarketLog.BackfillHeld(logger, outcome.Holder ?? "?", until);
                _nextCheck = until + TimeSpan.FromSeconds(1);
                return new BackfillResult(0, 0, 0, 0, TimeSpan.Zero) { HeldBy = outcome.Holder };
            }

            BackfillResult result;
            try
            {
                result = await RunAsync(() => lease.RenewAsync(_owner, market.BackfillLease, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await lease.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }

            var finished = wallClock.GetUtcNow();
            var tomorrow = new DateTimeOffset(Assets.DayOf(finished).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            _nextCheck = result.Failed > 0 && finished + market.BackfillRetryAfter < tomorrow ? finished + market.BackfillRetryAfter : tomorrow;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>One pass over every source and asset (no lease: <see cref="EnsureAsync"/> takes it).</summary>
    public Task<BackfillResult> RunAsync(CancellationToken cancellationToken) => RunAsync(null, cancellationToken);

    private async Task<BackfillResult> RunAsync(Func<Task<bool>>? renew, CancellationToken cancellationToken)
    {
        var market = options.Value;
        var started = wallClock.GetTimestamp();
        int calls = 0, written = 0, points = 0, failed = 0, settled = 0, deferred = 0;
        foreach (var source in sources)
        {
            var budgeted = source.Name == CoinGeckoSource.SourceName;
            var interval = budgeted ? coinGecko.Value.BackfillCallInterval : TimeSpan.Zero;
            var maxDays = budgeted ? coinGecko.Value.MaxHistoryDays : int.MaxValue;
            var intraday = market.IntradayBackfill ? source as IIntradaySource : null;
            long? lastCall = null;
            foreach (var asset in source.HistoryOf(market.TrackedAssets))
            {
                if (renew is not null && !await renew().ConfigureAwait(false))
                {
                    // Our lease ran out and another instance took it over: it carries on from the marks.
                    MarketLog.BackfillLeaseLost(logger, asset.Symbol);
                    return Result();
                }

                var now = time.GetUtcNow();
                var today = Assets.DayOf(now);
                var mark = await store.ReadBackfillMarkAsync(asset.Symbol, cancellationToken).ConfigureAwait(false);
                var needs = await NeedsAsync(asset, intraday is not null, now, mark, market, cancellationToken).ConfigureAwait(false);
                if (needs.Count == 0)
                {
                    settled++;
                    continue;
                }

                if (mark?.FailedAt is { } failedAt && now - failedAt < market.BackfillRetryAfter)
                {
                    failed++;
                    continue;
                }

                // CoinGecko's monthly budget counts each asset's calls a day: on its first day all it needs, later
                // the most useful first (recent points feed every tick's priceChange windows; daily rows one window).
                var first = mark?.FirstDay is null || mark.FirstDay == today;
                var allowed = budgeted ? (first ? CallsOnFirstDay : CallsPerDay) - (mark?.CallsOn(today) ?? 0) : int.MaxValue;
                var ordered = first ? needs : needs.OrderBy(n => n.Kind == NeedKind.Daily ? 1 : 0).ToList();
                foreach (var need in ordered)
                {
                    if (allowed <= 0)
                    {
                        deferred++;
                        MarketLog.BackfillDeferred(logger, asset.Symbol, mark?.CallsOn(today) ?? 0, string.Join(", ", ordered.SkipWhile(n => n != need).Select(n => n.Describe())));
                        break;
                    }

                    if (lastCall is { } last && wallClock.GetElapsedTime(last) < interval)
                    {
                        await Task.Delay(interval - wallClock.GetElapsedTime(last), wallClock, cancellationToken).ConfigureAwait(false);
                    }

                    lastCall = wallClock.GetTimestamp();
                    calls++;
                    var days = need.Kind == NeedKind.Daily ? Math.Min(need.Days, maxDays) : need.Days;
                    var reading = need.Kind == NeedKind.Daily
                        ? await source.ReadDailyAsync(asset, days, cancellationToken).ConfigureAwait(false)
                        : await intraday!.ReadIntradayAsync(asset, days, cancellationToken).ConfigureAwait(false);
                    mark ??= new BackfillMark(null, null, null, null);
                    if (reading.Failure is { } reason)
                    {
                        failed++;
                        mark = mark with { FailedAt = now, Error = reason };
                        await store.SaveBackfillMarkAsync(asset.Symbol, mark, cancellationToken).ConfigureAwait(false);
                        MarketLog.BackfillFailed(logger, asset.Symbol, source.Name, reason);
                        break;
                    }

                    allowed--;
                    mark = mark with { FailedAt = null, Error = null, FirstDay = mark.FirstDay ?? today, CallsDay = today, Calls = mark.CallsOn(today) + 1 };

                    // Only values of the past: a point stamped in the future (beyond the clock skew) is not history.
                    var past = reading.Quotes.Where(p => p.AsOf <= now + MarketPoller.MaxClockSkew).ToList();
                    if (need.Kind == NeedKind.Daily)
                    {
                        var stored = (await store.ReadDailyAsync(asset.Symbol, today.AddDays(-market.DailyHistoryDays), today, cancellationToken).ConfigureAwait(false))
                            .Select(d => d.Day).ToHashSet();
                        var count = await store.SaveBackfillAsync(asset.Symbol, past, stored, today, now - market.HistoryRetention, cancellationToken).ConfigureAwait(false);
                        written += count;
                        var asked = today.AddDays(-days);
                        var coveredFrom = mark is { CoveredFrom: { } knownFrom, CoveredTo: { } knownTo } && knownTo.AddDays(1) >= asked
                            ? (knownFrom < asked ? knownFrom : asked)
                            : asked;
                        mark = mark with { CoveredFrom = coveredFrom, CoveredTo = today };
                        MarketLog.Backfilled(logger, asset.Symbol, source.Name, days, count);
                    }
                    else
                    {
                        var recent = past.Where(p => p.AsOf >= now - market.HistoryRetention).ToList();
                        await store.SaveHistoryAsync(asset.Symbol, recent, cancellationToken).ConfigureAwait(false);
                        points += recent.Count;
                        MarketLog.BackfilledRecent(logger, asset.Symbol, source.Name, days, recent.Count, days == 1 ? "5-minute" : "hourly");
                    }

                    await store.SaveBackfillMarkAsync(asset.Symbol, mark, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return Result();

        BackfillResult Result()
        {
            var result = new BackfillResult(calls, written, failed, settled, wallClock.GetElapsedTime(started)) { PointsWritten = points, Deferred = deferred };
            MarketLog.BackfillPass(logger, result.Calls, result.DaysWritten, result.PointsWritten, result.Failed, result.Deferred, result.Settled, result.Took.TotalSeconds);
            return result;
        }
    }

    /// <summary>
    /// What an asset's history lacks, in the order of an asset's first day: daily rows (back to the earliest day neither
    /// stored nor already asked for), hourly points (a gap wider than <see cref="MarketView.MaxPointSpacing"/> over the
    /// history window before the last day), 5-minute points (a gap wider than the staleness limit in the last day).
    /// </summary>
    private async Task<List<Need>> NeedsAsync(TrackedAsset asset, bool intraday, DateTimeOffset now, BackfillMark? mark, MarketOptions market, CancellationToken cancellationToken)
    {
        var needs = new List<Need>(3);
        var today = Assets.DayOf(now);
        var stored = (await store.ReadDailyAsync(asset.Symbol, today.AddDays(-market.DailyHistoryDays), today, cancellationToken).ConfigureAwait(false))
            .Select(d => d.Day).ToHashSet();
        var earliestMissing = Enumerable.Range(1, market.DailyHistoryDays - 1)
            .Select(back => today.AddDays(-back))
            .Where(day => !stored.Contains(day) && mark?.Covers(day) != true)
            .Cast<DateOnly?>()
            .LastOrDefault();
        if (earliestMissing is { } from)
        {
            needs.Add(new Need(NeedKind.Daily, today.DayNumber - from.DayNumber + 1));
        }

        if (!intraday)
        {
            return needs;
        }

        var start = now - TimeSpan.FromDays(market.IntradayDays);
        var lastDay = now - TimeSpan.FromDays(1);
        var points = await store.ReadHistoryAsync(asset.Symbol, start - MarketView.MaxPointSpacing, now, cancellationToken).ConfigureAwait(false);
        if (FirstGap(points, start, lastDay, MarketView.MaxPointSpacing) is { } hourlyFrom)
        {
            needs.Add(new Need(NeedKind.Hourly, Math.Clamp((int)Math.Ceiling((now - hourlyFrom).TotalDays), 2, market.IntradayDays)));
        }

        if (FirstGap(points, lastDay, now, market.PriceStalenessLimit) is not null)
        {
            needs.Add(new Need(NeedKind.FiveMinute, 1));
        }

        return needs;
    }

    /// <summary>Where the first gap wider than <paramref name="limit"/> between stored points over [from, to] begins, or null.</summary>
    internal static DateTimeOffset? FirstGap(IReadOnlyList<HistoryPoint> ascending, DateTimeOffset from, DateTimeOffset to, TimeSpan limit)
    {
        var previous = from;
        foreach (var point in ascending)
        {
            if (point.AsOf <= previous)
            {
                continue;
            }

            if (point.AsOf > to)
            {
                break;
            }

            if (point.AsOf - previous > limit)
            {
                return previous;
            }

            previous = point.AsOf;
        }

        return to - previous > limit ? previous : null;
    }

    private enum NeedKind
    {
        Daily,
        Hourly,
        FiveMinute,
    }

    private sealed record Need(NeedKind Kind, int Days)
    {
        public string Describe() => Kind switch
        {
            NeedKind.Daily => $"{Days} days of daily rows",
            NeedKind.Hourly => $"{Days} days of hourly points",
            _ => "the last day's 5-minute points",
        };
    }
}
