using DeRisk.Backtest;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Market;

/// <summary>Drawdown windows up to a year on the real 2021-2022 history, expectations read from the CSV itself.</summary>
public sealed class YearWindowTests
{
    private static readonly DrawdownRule HalfOffTheYearHigh = new("BTC", 50, 365);

    /// <summary>
    /// From the CSV: at D 00:00:30 the newest BTC close is that of the candle opened D-1, and the 365 UTC days D-364..D
    /// hold the closes of the candles opened D-365..D-1. The drawdown is the current close against the highest of them.
    /// </summary>
    private static double ExpectedDrawdown(DateOnly day)
    {
        var current = History.BtcClose(day.AddDays(-1));
        var high = Enumerable.Range(1, 365).Select(back => History.BtcClose(day.AddDays(-back))).Max();
        return ((current / high) - 1) * 100;
    }

    private static IEnumerable<DateOnly> DaysOf2022() => Enumerable.Range(0, 365).Select(i => new DateOnly(2022, 1, 1).AddDays(i));

    private static DateTimeOffset TickOf(DateOnly day) => new(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero);

    [Fact]
    public void Btc_half_below_its_365_day_high_in_2022_is_met_on_exactly_the_days_the_csv_says()
    {
        var expectedMet = DaysOf2022().Where(d => ExpectedDrawdown(d) <= -50).ToList();
        var met = new List<DateOnly>();
        foreach (var day in DaysOf2022())
        {
            var view = ReplayMarket.ViewAt(ReplayDataset.Default, TickOf(day), ["BTC"], Views.Limit, TimeSpan.FromDays(8), 365);
            var verdict = RuleEvaluator.Evaluate(HalfOffTheYearHigh, view);
            Assert.NotEqual(VerdictKind.NoData, verdict.Kind);
            Assert.Equal(ExpectedDrawdown(day), verdict.Observed, 9);
            if (verdict.Kind == VerdictKind.Met)
            {
                met.Add(day);
            }
        }

        // 2022 had such days (the November 2021 high halved by June); the rule sees exactly those.
        Assert.NotEmpty(expectedMet);
        Assert.Equal(expectedMet, met);
    }

    [Fact]
    public void A_30_day_window_cannot_see_the_year_high_that_a_365_day_window_does()
    {
        var day = DaysOf2022().First(d => ExpectedDrawdown(d) <= -50);
        var view = ReplayMarket.ViewAt(ReplayDataset.Default, TickOf(day), ["BTC"], Views.Limit, TimeSpan.FromDays(8), 365);

        var month = view.Drawdown("BTC", 30);
        var year = view.Drawdown("BTC", 365);

        var monthHigh = Enumerable.Range(1, 30).Select(back => History.BtcClose(day.AddDays(-back))).Max();
        Assert.Equal(monthHigh, month.Reference, 9);
        Assert.True(year.Reference > month.Reference);
        Assert.Equal(ExpectedDrawdown(day), year.Percent, 9);
    }

    [Fact]
    public void The_backtest_loads_the_year_its_rules_need_and_fires_on_the_first_day_the_csv_says()
    {
        var rules = new BacktestRules(DeliveryPreferences.Default, [new StoredRule("btc-half", HalfOffTheYearHigh, default)]);

        var report = new Backtester(ReplayDataset.Default, new MarketOptions()).Run(rules, BacktestRange.Daily(new DateOnly(2022, 1, 1), new DateOnly(2022, 12, 31)));

        var summary = Assert.Single(report.Rules);
        Assert.Equal(0, summary.NoDataTicks);
        var firstMet = DaysOf2022().First(d => ExpectedDrawdown(d) <= -50);
        Assert.Equal(TickOf(firstMet), report.Notifications[0].Time);
    }

    [Theory]
    [InlineData(365, true)]
    [InlineData(366, false)]
    public void Drawdown_and_portfolio_rules_take_days_up_to_a_year(int days, bool accepted)
    {
        var parser = new RuleParser(_ => true);
        var drawdown = parser.Parse(System.Text.Json.JsonDocument.Parse($$"""{"kind":"drawdown","asset":"BTC","percent":50,"days":{{days}}}""").RootElement);
        var portfolio = parser.Parse(System.Text.Json.JsonDocument.Parse($$"""{"kind":"portfolioDrawdown","holdings":{"BTC":1,"USDC":100},"percent":20,"days":{{days}},"maxRiskPercent":60}""").RootElement);

        Assert.Equal(accepted, drawdown.IsValid);
        Assert.Equal(accepted, portfolio.IsValid);
        Assert.Equal(days, HistoryNeeds.DailyDays(new AnyOfRule([new PriceLevelRule("BTC", PriceComparison.Below, 1), new DrawdownRule("BTC", 10, days)])));
    }
}
