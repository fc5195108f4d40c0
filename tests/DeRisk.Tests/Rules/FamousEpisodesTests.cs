using System.Globalization;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;

namespace DeRisk.Tests.Rules;

/// <summary>
/// Each rule kind through the evaluator and the lifecycle, one tick a day at 00:00:30 on the shipped history: the
/// famous episodes fire where the data says, and calm months stay quiet. Expectations come from the raw CSV rows.
/// </summary>
public sealed class FamousEpisodesTests
{
    /// <summary>The days (tick dates) on which the rule fires and resolves, from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static (List<DateOnly> Fired, List<DateOnly> Resolved) Replay(RuleSpec rule, DateOnly from, DateOnly to)
    {
        var state = AlertState.Initial("s", "r");
        var fired = new List<DateOnly>();
        var resolved = new List<DateOnly>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var now = new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero);
            var transition = AlertLifecycle.Next(state, rule, RuleEvaluator.Evaluate(rule, Views.At(now)), now);
            switch (transition)
            {
                case Transition.Fire t: fired.Add(day); state = t.Next; break;
                case Transition.Resolve t: resolved.Add(day); state = t.Next; break;
                case Transition.Pend t: state = t.Next; break;
                case Transition.Cancel t: state = t.Next; break;
                case Transition.Repeat t: state = t.Next; break;
            }
        }

        return (fired, resolved);
    }

    /// <summary>Closes from a CoinMarketCap export, keyed by the tick date at which each close is known.</summary>
    private static Dictionary<DateOnly, double> CmcCloses(string file) =>
        File.ReadLines(Path.Combine(History.RepoRoot(), "src/DeRisk/Market/ReplayData", file))
            .Skip(1)
            .Select(line => line.TrimStart('\uFEFF').Split(';'))
            .ToDictionary(f => DateOnly.ParseExact(f[0].Trim('"')[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1), f => double.Parse(f[8], CultureInfo.InvariantCulture));

    [Fact]
    public void Ust_depeg_fires_once_in_may_2022_on_the_first_close_off_peg_and_holds_through_the_collapse()
    {
        var closes = CmcCloses("ustc_usd_daily_2022.csv");
        var firstOff = closes.Where(c => c.Key.Month == 5 && Math.Abs(c.Value - 1) * 100 > 5).Min(c => c.Key);

        var (fired, resolved) = Replay(new DepegRule("UST", 5), new DateOnly(2022, 5, 1), new DateOnly(2022, 5, 31));

        Assert.Equal([firstOff], fired);
        Assert.Empty(resolved);
    }

    [Fact]
    public void Usdc_depeg_of_march_2023_fires_on_the_close_of_the_11th_and_resolves_once_back_within_half_the_limit()
    {
        var closes = CmcCloses("usdc_usd_daily_2023.csv");
        var off = closes.Where(c => c.Key.Year == 2023 && c.Key.Month == 3 && Math.Abs(c.Value - 1) * 100 > 1).Select(c => c.Key).Order().ToList();
        var back = closes.Where(c => c.Key > off[^1] && Math.Abs(c.Value - 1) * 100 <= 0.5).Min(c => c.Key);

        var (fired, resolved) = Replay(new DepegRule("USDC", 1), new DateOnly(2023, 3, 1), new DateOnly(2023, 3, 31));

        Assert.Equal(new DateOnly(2023, 3, 12), off[0]); // the close of 2023-03-11, known at midnight
        Assert.Equal([off[0]], fired);
        Assert.Equal([back], resolved);
    }

    [Fact]
    public void Btc_covid_crash_with_extreme_fear_fires_the_combination()
    {
        var fng = File.ReadLines(Path.Combine(History.RepoRoot(), "src/DeRisk/Market/ReplayData/fear_greed_daily.csv"))
            .Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => DateOnly.ParseExact(f[0][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture), f => int.Parse(f[1], CultureInfo.InvariantCulture));
        var crashTick = new DateOnly(2020, 3, 13);
        var change = ((History.BtcClose(new DateOnly(2020, 3, 12)) / History.BtcClose(new DateOnly(2020, 3, 11))) - 1) * 100;
        var rule = new AllOfRule([new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 20)]);

        var (fired, _) = Replay(rule, new DateOnly(2020, 3, 1), new DateOnly(2020, 3, 31));

        Assert.True(change <= -10 && fng[crashTick] <= 20, $"data: BTC {change:0.0} %, F&G {fng[crashTick]}");
        Assert.Equal(crashTick, fired[0]);
        Assert.All(fired, day => Assert.True(fng[day] <= 20));
    }

    [Fact]
    public void Ftx_collapse_in_november_2022_fires_the_btc_drop_rule_on_the_first_day_down_ten_percent()
    {
        var firstDrop = Enumerable.Range(1, 30).Select(d => new DateOnly(2022, 11, d))
            .First(day => (History.BtcClose(day.AddDays(-1)) / History.BtcClose(day.AddDays(-2))) - 1 <= -0.10);

        var (fired, _) = Replay(new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new DateOnly(2022, 11, 1), new DateOnly(2022, 11, 30));

        Assert.Equal(firstDrop, fired[0]);
        Assert.Single(fired);
    }

    [Fact]
    public void Btc_below_level_fires_when_the_close_first_crosses_it()
    {
        var level = 20_000d;
        var firstBelow = Enumerable.Range(1, 30).Select(d => new DateOnly(2022, 6, d)).First(day => History.BtcClose(day.AddDays(-1)) < level);

        var (fired, _) = Replay(new PriceLevelRule("BTC", PriceComparison.Below, level), new DateOnly(2022, 6, 1), new DateOnly(2022, 6, 30));

        Assert.Equal(firstBelow, fired[0]);
    }

    [Theory]
    [InlineData(2021, 10)]
    [InlineData(2023, 7)]
    [InlineData(2024, 2)]
    public void Calm_months_stay_quiet(int year, int month)
    {
        var from = new DateOnly(year, month, 1);
        var to = from.AddMonths(1).AddDays(-1);
        var calm = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(i => from.AddDays(i))
            .All(day => Math.Abs((History.BtcClose(day.AddDays(-1)) / History.BtcClose(day.AddDays(-2))) - 1) < 0.10);

        var (fired, _) = Replay(new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), from, to);

        Assert.True(calm, "the data for this month has a 10 % day");
        Assert.Empty(fired);
    }

    [Fact]
    public void Stablecoin_outside_its_data_is_no_data_and_never_fires()
    {
        var verdict = RuleEvaluator.Evaluate(new DepegRule("USDC", 0.1), Views.At(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero)));

        Assert.Equal(VerdictKind.NoData, verdict.Kind);
        Assert.Empty(Replay(new DepegRule("USDC", 0.1), new DateOnly(2022, 5, 1), new DateOnly(2022, 5, 31)).Fired);
    }
}

public sealed class DrawdownEpisodesTests
{
    [Fact]
    public void Btc_drawdown_from_its_30_day_high_fires_on_the_first_close_20_percent_below_it()
    {
        // At tick day D the current close is the candle of D-1; the 30-day window holds the closes of D-30 .. D-1.
        static double Drawdown(DateOnly day) =>
            (History.BtcClose(day.AddDays(-1)) / Enumerable.Range(1, 30).Max(i => History.BtcClose(day.AddDays(-i)))) - 1;
        var first = Enumerable.Range(1, 30).Select(d => new DateOnly(2022, 6, d)).First(day => Drawdown(day) <= -0.20);
        var rule = new DrawdownRule("BTC", 20, 30);

        var fired = new List<DateOnly>();
        var state = AlertState.Initial("s", "r");
        for (var day = new DateOnly(2022, 6, 1); day <= new DateOnly(2022, 6, 30); day = day.AddDays(1))
        {
            var now = new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero);
            var market = new MarketOptions();
            var view = ReplayMarket.ViewAt(ReplayDataset.Default, now, ["BTC"], market.StalenessLimitFor, market.HistoryWindow, market.DailyHistoryDays);
            var verdict = RuleEvaluator.Evaluate(rule, view);
            Assert.Equal(Drawdown(day) * 100, verdict.Observed, 9);
            if (AlertLifecycle.Next(state, rule, verdict, now) is Transition.Fire f)
            {
                fired.Add(day);
                state = f.Next;
            }
        }

        Assert.Equal(first, fired[0]);
        Assert.Single(fired);
    }

    [Fact]
    public void Portfolio_drawdown_in_the_luna_collapse_counts_UST_off_its_peg_as_at_risk_and_says_how_much_to_move_to_cash()
    {
        // 0.5 BTC, 100 LUNA and 5,000 UST; at most 40 % in volatile assets.
        var holdings = new Dictionary<string, double> { ["BTC"] = 0.5, ["LUNA"] = 100, ["UST"] = 5000 };
        var rule = new PortfolioDrawdownRule(holdings, 20, 7, 40);
        var now = new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);
        var market = new MarketOptions();
        var view = ReplayMarket.ViewAt(ReplayDataset.Default, now, ["BTC", "LUNA", "UST"], market.StalenessLimitFor, market.HistoryWindow, market.DailyHistoryDays);

        double Close(string asset, DateTimeOffset at) => ReplayDataset.Default.LatestAtOrBefore(asset, at)!.Value.Value;
        double Value(DateTimeOffset at) => (0.5 * Close("BTC", at)) + (100 * Close("LUNA", at)) + (5000 * Close("UST", at));
        var high = Enumerable.Range(0, 7).Max(i => Value(now.AddDays(-i)));
        var drawdown = ((Value(now) / high) - 1) * 100;
        // A stablecoin more than 2 % off $1.00 is not the safe side: on 2022-05-10 UST is, so it counts as at risk.
        var ustOffPeg = Math.Abs(Close("UST", now) - 1) * 100 > PortfolioAdvice.PegTolerancePercent;
        Assert.True(ustOffPeg);
        var volatileValue = (0.5 * Close("BTC", now)) + (100 * Close("LUNA", now)) + (5000 * Close("UST", now));
        var move = volatileValue - (0.40 * Value(now));

        var verdict = RuleEvaluator.Evaluate(rule, view);
        var advice = PortfolioAdvice.For(holdings, 40, view)!;
        var text = AlertMessageRenderer.Sms(rule, view);

        Assert.Equal(VerdictKind.Met, verdict.Kind);
        Assert.Equal(drawdown, verdict.Observed, 9);
        Assert.Equal(move, advice.Total, 6);
        Assert.Equal(move, advice.PerAsset.Sum(p => p.Usd), 6);
        Assert.Contains(advice.PerAsset, p => p.Asset == "UST");
        Assert.Matches(@"move (about |~)\$" + System.Text.RegularExpressions.Regex.Escape(move.ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture)) + " to cash", text);
        Assert.True(text.Length <= AlertMessageRenderer.SmsSegmentLength, text);
    }
}
