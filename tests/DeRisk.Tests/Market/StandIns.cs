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

    /// <summary>
    /// CoinGecko's market_chart without an interval (auto granularity, https://docs.coingecko.com/reference/coins-id-market-chart)
    /// at <paramref name="now"/>: for days=1 a point every 5 minutes over the last 24 hours, for days=2..90 one an hour
    /// over the last N days, and a last one as of now; the timestamps a few seconds to minutes off the round times, as
    /// CoinGecko's are; the same {"prices":[[ms,price]],"market_caps":[...],"total_volumes":[...]} shape. The prices are
    /// the shipped daily history carried through each day: geometric interpolation between one day's close and the
    /// next, with an intraday swing of up to 0.8 %, so an hour's and a day's change differ.
    /// </summary>
    public static string MarketChartAuto(string symbol, DateTimeOffset now, int days)
    {
        var step = days == 1 ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(1);
        var count = (int)(TimeSpan.FromDays(days) / step);
        var points = new List<(long Ms, double Price)>(count + 1);
        for (var k = count; k >= 1; k--)
        {
            var at = now - (k * step) + TimeSpan.FromSeconds(days == 1 ? k * 13 % 60 : k * 37 % 240);
            points.Add((at.ToUnixTimeMilliseconds(), IntradayPrice(symbol, at)));
        }

        points.Add((now.ToUnixTimeMilliseconds(), IntradayPrice(symbol, now)));
        string Series(Func<double, double> value) =>
            "[" + string.Join(",", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.Ms},{value(p.Price)}]"))) + "]";
        return $$"""{"prices":{{Series(p => p)}},"market_caps":{{Series(p => p * 19_000_000)}},"total_volumes":{{Series(_ => 25_000_000_000)}}}""";
    }

    /// <summary>The prices of a market_chart answer, read back from its JSON: what a test derives its expectations from.</summary>
    public static IReadOnlyList<HistoryPoint> Prices(string marketChart)
    {
        using var json = System.Text.Json.JsonDocument.Parse(marketChart);
        return [.. json.RootElement.GetProperty("prices").EnumerateArray()
            .Select(p => new HistoryPoint(DateTimeOffset.FromUnixTimeMilliseconds(p[0].GetInt64()), p[1].GetDouble()))];
    }

    private static double IntradayPrice(string symbol, DateTimeOffset at)
    {
        var midnight = new DateTimeOffset(Assets.DayOf(at).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var open = ReplayDataset.Default.LatestAtOrBefore(symbol, midnight)!.Value.Value;
        var close = ReplayDataset.Default.LatestAtOrBefore(symbol, midnight.AddDays(1))!.Value.Value;
        var fraction = (at - midnight) / TimeSpan.FromDays(1);
        return open * Math.Pow(close / open, fraction) * (1 + (0.008 * Math.Sin(fraction * Math.PI) * Math.Sin(at.ToUnixTimeSeconds() / 5400.0)));
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
