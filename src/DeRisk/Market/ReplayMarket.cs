namespace DeRisk.Market;

/// <summary>
/// A tick's market view straight from the shipped history, with no storage: the snapshot the poller would take at
/// <c>now</c> (staleness judged the same way) and the history the loader would read. Used by the backtest.
/// </summary>
public static class ReplayMarket
{
    public static MarketView ViewAt(ReplayDataset data, DateTimeOffset now, IEnumerable<string> symbols, Func<string, TimeSpan> stalenessLimit, TimeSpan historyWindow, int dailyDays = Rules.DrawdownRule.MaxDays)
    {
        var quotes = new List<SnapshotQuote>();
        var history = new Dictionary<string, HistoryPoint[]>(StringComparer.OrdinalIgnoreCase);
        var daily = new Dictionary<string, DailyPoint[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var symbol in symbols.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var limit = stalenessLimit(symbol);
            var latest = data.LatestAtOrBefore(symbol, now);
            quotes.Add(MarketPoller.Judge(symbol, latest is { } p ? new SourceQuote(symbol, p.Value, p.AsOf, ReplaySource.SourceName) : null, now, limit));
            history[symbol] = Slice(data.Series(symbol), now - historyWindow - limit - (2 * MarketView.MaxPointSpacing), now); // as the loader reads
            if (symbol != Assets.FearAndGreed)
            {
                // As the store folds polled values into days: the day's high and its latest value.
                var today = Assets.DayOf(now);
                daily[symbol] = Slice(data.Series(symbol), new DateTimeOffset(today.AddDays(-dailyDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), now)
                    .GroupBy(p => Assets.DayOf(p.AsOf))
                    .Select(g => new DailyPoint(g.Key, g.Max(p => p.Value), g.MaxBy(p => p.AsOf).Value))
                    .ToArray();
            }
        }

        return new MarketView(new MarketSnapshot(now, quotes), history, stalenessLimit, daily);
    }

    /// <summary>The points with as-of in [from, to], by binary search on the ascending series.</summary>
    private static HistoryPoint[] Slice(IReadOnlyList<HistoryPoint> series, DateTimeOffset from, DateTimeOffset to)
    {
        int First(DateTimeOffset bound, bool inclusive)
        {
            int lo = 0, hi = series.Count;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (inclusive ? series[mid].AsOf < bound : series[mid].AsOf <= bound)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        var start = First(from, inclusive: true);
        var end = First(to, inclusive: false);
        var slice = new HistoryPoint[Math.Max(0, end - start)];
        for (var i = 0; i < slice.Length; i++)
        {
            slice[i] = series[start + i];
        }

        return slice;
    }
}
