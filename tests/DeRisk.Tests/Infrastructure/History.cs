using System.Globalization;

namespace DeRisk.Tests.Infrastructure;

/// <summary>Reads the shipped CSV files directly (not through the app's parser), to derive expectations from the data.</summary>
public static class History
{
    private static readonly Lazy<Dictionary<DateOnly, double>> BtcCloses = new(() =>
        File.ReadLines(Path.Combine(RepoRoot(), "src/DeRisk/Market/ReplayData/btc_usd_daily.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => DateOnly.ParseExact(f[0][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture), f => double.Parse(f[2], CultureInfo.InvariantCulture)));

    /// <summary>BTC's close of the daily candle that opened on <paramref name="day"/>.</summary>
    public static double BtcClose(DateOnly day) => BtcCloses.Value[day];

    private static readonly Lazy<Dictionary<DateOnly, double>> FearAndGreed = new(() =>
        File.ReadLines(Path.Combine(RepoRoot(), "src/DeRisk/Market/ReplayData/fear_greed_daily.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => DateOnly.ParseExact(f[0][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture), f => double.Parse(f[1], CultureInfo.InvariantCulture)));

    /// <summary>The Fear &amp; Greed Index published for <paramref name="day"/>.</summary>
    public static double Index(DateOnly day) => FearAndGreed.Value[day];

    private static Dictionary<DateOnly, double> CoinMarketCap(string file) =>
        File.ReadLines(Path.Combine(RepoRoot(), "src/DeRisk/Market/ReplayData/" + file))
            .Skip(1)
            .Select(line => line.Split(';'))
            .ToDictionary(f => DateOnly.ParseExact(f[0].Trim('"')[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture), f => double.Parse(f[8], CultureInfo.InvariantCulture));

    private static readonly Lazy<Dictionary<DateOnly, double>> UstCloses = new(() => CoinMarketCap("ustc_usd_daily_2022.csv"));
    private static readonly Lazy<Dictionary<DateOnly, double>> UsdcCloses = new(() => CoinMarketCap("usdc_usd_daily_2023.csv"));

    /// <summary>The close of the daily candle that opened on <paramref name="day"/>, for BTC, UST (2022) or USDC (2023).</summary>
    public static double Close(string asset, DateOnly day) => asset switch
    {
        "BTC" => BtcClose(day),
        "UST" => UstCloses.Value[day],
        "USDC" => UsdcCloses.Value[day],
        _ => throw new ArgumentOutOfRangeException(nameof(asset), asset, "No shipped history read here."),
    };

    /// <summary>
    /// The price a daily tick just after midnight of <paramref name="tickDay"/> sees: the close of the day before, or null
    /// where the file has no row.
    /// </summary>
    public static double? AtTick(string asset, DateOnly tickDay)
    {
        try
        {
            return Close(asset, tickDay.AddDays(-1));
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DeRiskFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("DeRiskFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
