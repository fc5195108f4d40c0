using System.Globalization;

namespace DeRisk.Market;

/// <summary>
/// What rules evaluate against in one tick: the snapshot's usable values and the stored history behind them.
/// Built once per tick, then read by every subscriber's rules without further I/O.
/// </summary>
public sealed class MarketView
{
    private readonly MarketSnapshot _snapshot;
    private readonly Dictionary<string, HistoryPoint[]> _history;
    private readonly Func<string, TimeSpan> _tolerance;
    // Memoized per view. The single-instance tick evaluates several shards against one view at once, so these are
    // concurrent dictionaries (lock-free reads; a value computed twice by a race is the same value).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Asset, TimeSpan Window), WindowChange> _changes = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _unusable = new(StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, DailyPoint[]> _daily;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Asset, int Days), WindowChange> _drawdowns = new();

    public MarketView(MarketSnapshot snapshot, IReadOnlyDictionary<string, HistoryPoint[]> history, Func<string, TimeSpan> tolerance,
        IReadOnlyDictionary<string, DailyPoint[]>? daily = null)
    {
        _snapshot = snapshot;
        _tolerance = tolerance;
        _history = new Dictionary<string, HistoryPoint[]>(history, StringComparer.OrdinalIgnoreCase);
        _daily = daily is null ? new(StringComparer.OrdinalIgnoreCase) : new Dictionary<string, DailyPoint[]>(daily, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// How far the current value is below the highest value of the last <paramref name="days"/> UTC days (today
    /// included), in percent (0 or negative). Reference is that high. No data unless the stored daily history reaches
    /// back the whole window: a high is never guessed from a shorter one.
    /// </summary>
    public WindowChange Drawdown(string asset, int days)
    {
        if (_drawdowns.TryGetValue((asset, days), out var cached))
        {
            return cached;
        }

        WindowChange result;
        if (!TryGetCurrent(asset, out var current))
        {
            result = WindowChange.NoData(DescribeUnusable(asset));
        }
        else if (!TryDailyWindow(asset, Assets.DayOf(current.AsOf), days, out var first, out var last, out var points))
        {
            result = WindowChange.NoData($"less than {days} days of {asset} history");
        }
        else
        {
            var high = current.Value;
            for (var i = first; i <= last; i++)
            {
                high = Math.Max(high, points[i].High);
            }

            result = new WindowChange(true, ((current.Value / high) - 1) * 100, current.Value, high, null);
        }

        _drawdowns[(asset, days)] = result;
        return result;
    }

    /// <summary>
    /// Value of the holdings now and their high-water mark over the last <paramref name="days"/> days (from daily
    /// closes), or why not. Every held asset must have a usable price now and daily history for the whole window.
    /// </summary>
    public PortfolioValue Portfolio(IReadOnlyDictionary<string, double> holdings, int days)
    {
        double now = 0;
        DateOnly? today = null;
        foreach (var (asset, quantity) in holdings)
        {
            if (!TryGetCurrent(asset, out var current))
            {
                return PortfolioValue.NoData(DescribeUnusable(asset));
            }

            now += quantity * current.Value;
            var day = Assets.DayOf(current.AsOf);
            today = today is { } t && t > day ? t : day;
        }

        var high = now;
        for (var offset = 0; offset < days; offset++)
        {
            var day = today!.Value.AddDays(-offset);
            double value = 0;
            foreach (var (asset, quantity) in holdings)
            {
                if (!TryDay(asset, day, out var point))
                {
                    return PortfolioValue.NoData($"no {asset} close on {day:yyyy-MM-dd}");
                }

                value += quantity * point.Close;
            }

            high = Math.Max(high, value);
        }

        return new PortfolioValue(true, now, high, null);
    }

    private bool TryDailyWindow(string asset, DateOnly today, int days, out int first, out int last, out DailyPoint[] points)
    {
        first = last = -1;
        if (!_daily.TryGetValue(asset, out points!) || points.Length == 0)
        {
            points = [];
            return false;
        }

        var oldest = today.AddDays(-(days - 1));
        if (points[0].Day > oldest)
        {
            return false;
        }

        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Day >= oldest && points[i].Day <= today)
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        return first >= 0;
    }

    private bool TryDay(string asset, DateOnly day, out DailyPoint point)
    {
        point = default;
        if (!_daily.TryGetValue(asset, out var points))
        {
            return false;
        }

        // Binary search on the ascending days: a 365-day portfolio window looks up 365 days per held asset.
        int lo = 0, hi = points.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (points[mid].Day == day)
            {
                point = points[mid];
                return true;
            }

            if (points[mid].Day < day)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    public DateTimeOffset Now => _snapshot.TakenAt;

    public MarketSnapshot Snapshot => _snapshot;

    /// <summary>The asset's usable value in this snapshot, if any.</summary>
    public bool TryGetCurrent(string asset, out HistoryPoint current)
    {
        var quote = _snapshot.Get(asset);
        if (quote is { Status: QuoteStatus.Ok, Value: { } value, AsOf: { } asOf })
        {
            current = new HistoryPoint(asOf, value);
            return true;
        }

        current = default;
        return false;
    }

    /// <summary>Why the asset has no usable value in this snapshot ("BTC price is stale"); built once per tick and asset.</summary>
    public string DescribeUnusable(string asset)
    {
        if (!_unusable.TryGetValue(asset, out var reason))
        {
            reason = $"{asset} {(asset == Assets.FearAndGreed ? "index" : "price")} is {_snapshot.Get(asset).Status.ToString().ToLowerInvariant()}";
            _unusable[asset] = reason;
        }

        return reason;
    }

    /// <summary>
    /// The coarsest spacing of stored points a window's reference may be taken from: CoinGecko's hourly history (about
    /// an hour apart, a few minutes either way). A reference after a longer gap sits after an outage, not in a series.
    /// </summary>
    public static readonly TimeSpan MaxPointSpacing = TimeSpan.FromMinutes(75);

    /// <summary>
    /// Percent change from the reference — the newest stored value at or before the window's start (current as-of -
    /// window), so the window is never shorter than it says — to the current value. How far before the start the
    /// reference may be depends on the spacing of the stored points where it lies (its gap to the point before it: 5
    /// minutes where polls ran, about an hour where CoinGecko's hourly history was backfilled): up to that spacing and a
    /// quarter more (timestamps are not exactly periodic), but never more than <see cref="MaxPointSpacing"/> or a quarter
    /// of the window, and always at least the asset's staleness limit. So a 24 h or 7 d change may start from an hourly
    /// point up to 75 minutes early, a 1 h change never more than the staleness limit early (an hourly point would make
    /// it up to a 2 h change), and when the window's start falls in a gap of 5-minute polls (an outage), the last poll
    /// before the gap is no better than before: further back than its series' spacing allows, the values in between are
    /// missing, and there is no data.
    /// </summary>
    public WindowChange Change(string asset, TimeSpan window)
    {
        if (_changes.TryGetValue((asset, window), out var cached))
        {
            return cached;
        }

        var change = Compute(asset, window);
        _changes[(asset, window)] = change;
        return change;
    }

    private WindowChange Compute(string asset, TimeSpan window)
    {
        if (!TryGetCurrent(asset, out var current))
        {
            return WindowChange.NoData(DescribeUnusable(asset));
        }

        var target = current.AsOf - window;
        if (!_history.TryGetValue(asset, out var points) || Latest(points, target) is not { } found
            || points[found].AsOf < target - Tolerance(points, found, window, _tolerance(asset)) || points[found].Value <= 0)
        {
            return WindowChange.NoData($"no {asset} price from {Describe(window)} before {current.AsOf:yyyy-MM-dd HH:mm}Z");
        }

        var reference = points[found];
        return new WindowChange(true, ((current.Value / reference.Value) - 1) * 100, current.Value, reference.Value, null);
    }

    /// <summary>How far before a window's start the reference at <paramref name="index"/> may lie (see <see cref="Change"/>).</summary>
    internal static TimeSpan Tolerance(HistoryPoint[] ascending, int index, TimeSpan window, TimeSpan stalenessLimit)
    {
        if (index <= 0)
        {
            return stalenessLimit;
        }

        // A quarter more than the spacing: a provider's hourly timestamps are not exactly periodic (a few minutes either way).
        var spacing = (ascending[index].AsOf - ascending[index - 1].AsOf) * 1.25;
        var allowed = spacing < MaxPointSpacing ? spacing : MaxPointSpacing;
        allowed = allowed < window / 4 ? allowed : window / 4;
        return allowed > stalenessLimit ? allowed : stalenessLimit;
    }

    private static int? Latest(HistoryPoint[] ascending, DateTimeOffset time)
    {
        int lo = 0, hi = ascending.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (ascending[mid].AsOf <= time)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : found;
    }

    internal static string Describe(TimeSpan window) =>
        window.TotalHours > 48 && window.TotalDays == Math.Floor(window.TotalDays)
            ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalDays}d")
            : string.Create(CultureInfo.InvariantCulture, $"{window.TotalHours}h");
}
