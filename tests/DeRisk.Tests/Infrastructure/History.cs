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
