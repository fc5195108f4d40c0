using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Market;

/// <summary>The 24 h window and the evaluator on real rows of the shipped history.</summary>
public sealed class MarketViewTests
{
    private static readonly TimeSpan Limit = Views.PriceLimit;

    private static MarketView ViewAt(DateTimeOffset now) => Views.At(now, "BTC", "UST", Assets.FearAndGreed);

    [Fact]
    public void Btc_24h_change_on_2022_05_10_is_the_close_of_05_09_against_the_close_of_05_08()
    {
        var view = ViewAt(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero));
        var change = view.Change("BTC", TimeSpan.FromHours(24));

        var expected = ((History.BtcClose(new DateOnly(2022, 5, 9)) / History.BtcClose(new DateOnly(2022, 5, 8))) - 1) * 100;
        Assert.True(change.HasData);
        Assert.Equal(expected, change.Percent, 9);
        Assert.Equal(History.BtcClose(new DateOnly(2022, 5, 9)), change.Current);
        Assert.Equal(History.BtcClose(new DateOnly(2022, 5, 8)), change.Reference);
    }

    [Fact]
    public void Drop_rule_is_met_exactly_when_the_real_24h_change_reaches_the_threshold()
    {
        var view = ViewAt(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero));
        var observed = view.Change("BTC", TimeSpan.FromHours(24)).Percent;

        var atThreshold = RuleEvaluator.Evaluate(new PriceChangeRule("BTC", ChangeDirection.Drop, -observed, RuleWindow.OneDay), view);
        var justBeyond = RuleEvaluator.Evaluate(new PriceChangeRule("BTC", ChangeDirection.Drop, -observed + 0.01, RuleWindow.OneDay), view);
        var rise = RuleEvaluator.Evaluate(new PriceChangeRule("BTC", ChangeDirection.Rise, 1, RuleWindow.OneDay), view);

        Assert.Equal(VerdictKind.Met, atThreshold.Kind);
        Assert.Equal(VerdictKind.Clear, justBeyond.Kind);
        Assert.Equal(VerdictKind.Clear, rise.Kind);
        Assert.Equal(observed, atThreshold.Observed);
    }

    [Fact]
    public void Ust_depeg_day_is_a_drop_of_more_than_20_percent_in_the_data()
    {
        var view = ViewAt(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero));
        var ust = ReplayDataset.Default.Series("UST");
        var close0509 = ust.Single(p => p.AsOf == new DateTimeOffset(2022, 5, 10, 0, 0, 0, TimeSpan.Zero)).Value;
        var close0508 = ust.Single(p => p.AsOf == new DateTimeOffset(2022, 5, 9, 0, 0, 0, TimeSpan.Zero)).Value;

        var verdict = RuleEvaluator.Evaluate(new PriceChangeRule("UST", ChangeDirection.Drop, 20, RuleWindow.OneDay), view);

        Assert.Equal(VerdictKind.Met, verdict.Kind);
        Assert.Equal(((close0509 / close0508) - 1) * 100, verdict.Observed, 9);
    }

    [Fact]
    public void A_price_past_the_staleness_limit_is_no_data_and_never_met()
    {
        // At 06:00 the newest BTC close is as of 00:00: six hours old against a 15-minute limit.
        var view = ViewAt(new DateTimeOffset(2022, 5, 10, 6, 0, 0, TimeSpan.Zero));

        var verdict = RuleEvaluator.Evaluate(new PriceChangeRule("BTC", ChangeDirection.Drop, 1, RuleWindow.OneDay), view);

        Assert.Equal(VerdictKind.NoData, verdict.Kind);
        Assert.Contains("stale", verdict.NoDataReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_reference_value_is_no_data()
    {
        // BTC history 7 days back exists in the data, but the view only holds what was stored: two days.
        var now = new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);
        var full = ViewAt(now);
        var history = new Dictionary<string, HistoryPoint[]>
        {
            ["BTC"] = ReplayDataset.Default.Series("BTC").Where(p => p.AsOf <= now && p.AsOf >= now.AddDays(-2)).ToArray(),
        };
        var view = new MarketView(full.Snapshot, history, _ => Limit);

        var verdict = RuleEvaluator.Evaluate(new PriceChangeRule("BTC", ChangeDirection.Drop, 1, RuleWindow.SevenDays), view);

        Assert.Equal(VerdictKind.NoData, verdict.Kind);
        Assert.True(full.Change("BTC", TimeSpan.FromDays(7)).HasData);
    }

    [Fact]
    public void Replay_parser_matches_the_raw_csv_rows()
    {
        var btc = ReplayDataset.Default.Series("BTC");
        var point = btc.Single(p => p.AsOf == new DateTimeOffset(2020, 3, 13, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(History.BtcClose(new DateOnly(2020, 3, 12)), point.Value);

        var fng = ReplayDataset.Default.LatestAtOrBefore(Assets.FearAndGreed, new DateTimeOffset(2020, 3, 14, 12, 0, 0, TimeSpan.Zero))!.Value;
        var raw = File.ReadLines(Path.Combine(History.RepoRoot(), "src/DeRisk/Market/ReplayData/fear_greed_daily.csv"))
            .Single(l => l.StartsWith("2020-03-14", StringComparison.Ordinal)).Split(',')[1];
        Assert.Equal(double.Parse(raw, System.Globalization.CultureInfo.InvariantCulture), fng.Value);

        // CoinMarketCap rows: the close of 2023-03-11 is as of the next midnight.
        var usdcRow = File.ReadLines(Path.Combine(History.RepoRoot(), "src/DeRisk/Market/ReplayData/usdc_usd_daily_2023.csv"))
            .Single(l => l.StartsWith("\"2023-03-11", StringComparison.Ordinal)).Split(';');
        var usdc = ReplayDataset.Default.LatestAtOrBefore("USDC", new DateTimeOffset(2023, 3, 12, 0, 0, 0, TimeSpan.Zero))!.Value;
        Assert.Equal(new DateTimeOffset(2023, 3, 12, 0, 0, 0, TimeSpan.Zero), usdc.AsOf);
        Assert.Equal(double.Parse(usdcRow[8], System.Globalization.CultureInfo.InvariantCulture), usdc.Value);
    }

    [Fact]
    public async Task One_view_evaluated_from_many_threads_at_once_gives_the_same_verdicts_as_one_thread()
    {
        // The single-instance tick evaluates several shards against one view at once; its memo must hold up.
        var at = new DateTimeOffset(2022, 5, 12, 0, 0, 30, TimeSpan.Zero);
        RuleSpec[] rules =
        [
            new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new PriceChangeRule("UST", ChangeDirection.Drop, 10, RuleWindow.SevenDays),
            new PriceChangeRule("LUNA", ChangeDirection.Drop, 30, RuleWindow.OneDay), new DepegRule("UST", 3), new DepegRule("USDC", 1),
            new SentimentRule(SentimentComparison.AtOrBelow, 20), new PriceLevelRule("BTC", PriceComparison.Below, 30_000), new PriceChangeRule("ETH", ChangeDirection.Drop, 5, RuleWindow.OneHour),
            .. new[] { "BTC", "UST", "LUNA", "USDC" }.SelectMany(asset => Enumerable.Range(1, 30).Select(days => (RuleSpec)new DrawdownRule(asset, 20, days))),
            .. new[] { "DOGE", "SOL", "ADA", "DOT", "XRP", "AVAX" }.Select(asset => (RuleSpec)new DepegRule(asset, 1)),
        ];
        var expected = rules.Select(r => RuleEvaluator.Evaluate(r, Views.At(at))).ToList();

        for (var round = 0; round < 50; round++)
        {
            var shared = Views.At(at);
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
                Enumerable.Range(0, 20).SelectMany(__ => rules.Select(r => RuleEvaluator.Evaluate(r, shared))).ToList())));

            Assert.All(results, verdicts => Assert.Equal(Enumerable.Range(0, 20).SelectMany(_ => expected), verdicts));
        }
    }
}
