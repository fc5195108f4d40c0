using System.Globalization;
using System.Text;
using DeRisk.Market;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Market;

/// <summary>
/// Provider answers for the stand-ins on 127.0.0.1: the documented bodies kept in Fixtures/ (sources in its README),
/// and long histories written in the same documented shapes from the shipped real history.
/// </summary>
public static class StandIns
{
    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(History.RepoRoot(), "tests", "DeRisk.Tests", "Market", "Fixtures", name));

    /// <summary>
    /// CoinGecko's market_chart with interval=daily at <paramref name="now"/> for the last <paramref name="days"/> days:
    /// one price per UTC midnight (the value known then: the shipped history's newest point at or before it) and a last
    /// one as of now, in {"prices":[[ms,price]],"market_caps":[...],"total_volumes":[...]}.
    /// </summary>
    public static string MarketChart(string symbol, DateTimeOffset now, int days)
    {
        var today = new DateTimeOffset(Assets.DayOf(now).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var points = new List<(long Ms, double Price)>();
        for (var midnight = today.AddDays(-days); midnight <= today; midnight = midnight.AddDays(1))
        {
            if (ReplayDataset.Default.LatestAtOrBefore(symbol, midnight) is { } point && point.AsOf > midnight.AddDays(-1))
            {
                points.Add((midnight.ToUnixTimeMilliseconds(), point.Value));
            }
        }

        if (now > today && ReplayDataset.Default.LatestAtOrBefore(symbol, now) is { } latest && latest.AsOf > now.AddDays(-1))
        {
            points.Add((now.ToUnixTimeMilliseconds(), latest.Value));
        }

        string Series(Func<double, double> value) =>
            "[" + string.Join(",", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.Ms},{value(p.Price)}]"))) + "]";
        return $$"""{"prices":{{Series(p => p)}},"market_caps":{{Series(p => p * 19_000_000)}},"total_volumes":{{Series(_ => 25_000_000_000)}}}""";
    }

    /// <summary>alternative.me's /fng/?limit=N at <paramref name="now"/>: newest first, strings for numbers, time_until_update on the newest.</summary>
    public static string FearAndGreed(DateTimeOffset now, int limit)
    {
        var entries = ReplayDataset.Default.Series(Assets.FearAndGreed).Where(p => p.AsOf <= now).Reverse().Take(limit).ToList();
        var json = new StringBuilder("""{"name":"Fear and Greed Index","data":[""");
        for (var i = 0; i < entries.Count; i++)
        {
            var untilUpdate = i == 0 ? string.Create(CultureInfo.InvariantCulture, $",\"time_until_update\":\"{(long)(entries[0].AsOf.AddDays(1) - now).TotalSeconds}\"") : "";
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"value":"{{entries[i].Value}}","value_classification":"{{Classify(entries[i].Value)}}","timestamp":"{{entries[i].AsOf.ToUnixTimeSeconds()}}"{{untilUpdate}}}""");
        }

        return json.Append("""],"metadata":{"error":null}}""").ToString();
    }

    /// <summary>CoinGecko's simple/price for these symbols at <paramref name="now"/>, last updated 30 s before.</summary>
    public static string SimplePrice(DateTimeOffset now, params (string Symbol, string Id)[] coins) =>
        "{" + string.Join(",", coins.Select(c => string.Create(CultureInfo.InvariantCulture,
            $$"""
            "{{c.Id}}":{"usd":{{ReplayDataset.Default.LatestAtOrBefore(c.Symbol, now)!.Value.Value}},"last_updated_at":{{now.AddSeconds(-30).ToUnixTimeSeconds()}}}
            """))) + "}";

    private static string Classify(double value) => value switch
    {
        <= 24 => "Extreme Fear",
        <= 49 => "Fear",
        <= 54 => "Neutral",
        <= 74 => "Greed",
        _ => "Extreme Greed",
    };
}
