using System.Globalization;

namespace DeRisk.Market;

/// <summary>
/// The real daily history shipped in Market/ReplayData, as points of (as-of time, value) per symbol, oldest first.
/// A daily close is known when its day ends, so its as-of time is the next midnight (UTC); the Fear &amp; Greed
/// value of a date is as of that date's midnight.
/// </summary>
public sealed class ReplayDataset
{
    private static readonly Lazy<ReplayDataset> Shipped = new(LoadShipped);

    private readonly Dictionary<string, HistoryPoint[]> _series;

    public ReplayDataset(IReadOnlyDictionary<string, HistoryPoint[]> series)
    {
        _series = new Dictionary<string, HistoryPoint[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (symbol, points) in series)
        {
            var sorted = points.ToArray();
            Array.Sort(sorted, static (a, b) => a.AsOf.CompareTo(b.AsOf));
            _series[symbol] = sorted;
        }
    }

    /// <summary>The history embedded in DeRisk.dll, parsed once.</summary>
    public static ReplayDataset Default => Shipped.Value;

    public IEnumerable<string> Symbols => _series.Keys;

    public IReadOnlyList<HistoryPoint> Series(string symbol) =>
        _series.TryGetValue(symbol, out var points) ? points : [];

    /// <summary>The newest point whose as-of time is at or before <paramref name="time"/>.</summary>
    public HistoryPoint? LatestAtOrBefore(string symbol, DateTimeOffset time)
    {
        if (!_series.TryGetValue(symbol, out var points) || points.Length == 0)
        {
            return null;
        }

        int lo = 0, hi = points.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (points[mid].AsOf <= time)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : points[found];
    }

    private static ReplayDataset LoadShipped()
    {
        var assembly = typeof(ReplayDataset).Assembly;
        string Read(string file)
        {
            using var stream = assembly.GetManifestResourceStream("DeRisk.ReplayData." + file)
                ?? throw new InvalidOperationException($"Replay data {file} is not embedded in {assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        return new ReplayDataset(new Dictionary<string, HistoryPoint[]>
        {
            ["BTC"] = ParseDailyCandles(Read("btc_usd_daily.csv")),
            [Assets.FearAndGreed] = ParseFearAndGreed(Read("fear_greed_daily.csv")),
            ["UST"] = ParseCoinMarketCap(Read("ustc_usd_daily_2022.csv")),
            ["LUNA"] = ParseCoinMarketCap(Read("luna_usd_daily_2022.csv")),
            ["USDC"] = ParseCoinMarketCap(Read("usdc_usd_daily_2023.csv")),
        });
    }

    /// <summary>timestamp,open,close,volume,unix_timestamp,high,low — the candle opens at timestamp; its close is as of one day later.</summary>
    internal static HistoryPoint[] ParseDailyCandles(string csv) =>
        Rows(csv, ',').Select(f => new HistoryPoint(
            ParseTime(f[0], "yyyy-MM-dd HH:mm:ss").AddDays(1),
            double.Parse(f[2], CultureInfo.InvariantCulture))).ToArray();

    /// <summary>date,value,value_classification — as of the date's midnight UTC.</summary>
    internal static HistoryPoint[] ParseFearAndGreed(string csv) =>
        Rows(csv, ',').Select(f => new HistoryPoint(
            DateTimeOffset.Parse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            double.Parse(f[1], CultureInfo.InvariantCulture))).ToArray();

    /// <summary>CoinMarketCap export (;-separated, quoted times): the close is as of timeClose rounded up to the next millisecond (midnight).</summary>
    internal static HistoryPoint[] ParseCoinMarketCap(string csv) =>
        Rows(csv, ';').Select(f => new HistoryPoint(
            DateTimeOffset.Parse(f[1].Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal).AddMilliseconds(1),
            double.Parse(f[8], CultureInfo.InvariantCulture))).ToArray();

    private static IEnumerable<string[]> Rows(string csv, char separator) =>
        csv.Split('\n')
            .Skip(1)
            .Select(line => line.Trim().TrimStart('\uFEFF'))
            .Where(line => line.Length > 0)
            .Select(line => line.Split(separator));

    private static DateTimeOffset ParseTime(string value, string format) =>
        DateTimeOffset.ParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
