using System.Globalization;
using DeRisk.Backtest;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Rules;

/// <summary>
/// Escalation, honest all-clears and safe refuges on the real history, through the backtester (the functions' own
/// evaluator, lifecycle and planner). Every expectation is worked out here from the shipped CSV files.
/// </summary>
public sealed class AlertsWorthActingOnTests
{
    private static BacktestReport Run(DateOnly from, DateOnly to, AlertWording? wording = null, params RuleSpec[] rules) =>
        new Backtester(ReplayDataset.Default, new MarketOptions(), wording)
            .Run(new BacktestRules(DeliveryPreferences.Default, rules.Select((r, i) => new StoredRule("r" + i.ToString(CultureInfo.InvariantCulture), r, default)).ToList()),
                BacktestRange.Daily(from, to));

    private static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    private static string Pct(double value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Usd(double value) => "$" + value.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>
    /// The lifecycle of "BTC drops 15 % in 7 days, escalate every 10 points", worked out from the CSV: a 7-day change
    /// at a daily tick is the day before's close against the close 8 days before; it fires at -15 %, escalates at
    /// each further whole 10 points (each step once), and re-arms above -11.25 %.
    /// </summary>
    private static List<(DateOnly Day, double Change, double First)> ExpectedEscalations(DateOnly from, DateOnly to)
    {
        var expected = new List<(DateOnly, double, double)>();
        int? step = null;
        double first = 0;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var change = ((History.BtcClose(day.AddDays(-1)) / History.BtcClose(day.AddDays(-8))) - 1) * 100;
            var reached = (int)Math.Floor(((-change) - 15) / 10 + 1e-9);
            if (step is null && change <= -15)
            {
                (step, first) = (reached, change);
            }
            else if (step is { } notified && change <= -15 && reached > notified)
            {
                expected.Add((day, change, first));
                step = reached;
            }
            else if (step is not null && change > -15 * RuleEvaluator.ChangeRecovery)
            {
                step = null;
            }
        }

        return expected;
    }

    [Theory]
    [InlineData("2022-05-01", "2022-07-15")]
    [InlineData("2020-03-01", "2020-04-15")]
    [InlineData("2018-01-01", "2018-03-31")]
    public void A_deepening_fall_escalates_once_per_step_saying_how_far_it_has_gone_since_the_first_alert(string fromText, string toText)
    {
        var (from, to) = (DateOnly.Parse(fromText, CultureInfo.InvariantCulture), DateOnly.Parse(toText, CultureInfo.InvariantCulture));
        var rule = new PriceChangeRule("BTC", ChangeDirection.Drop, 15, RuleWindow.SevenDays) { EscalateEvery = 10 };

        var report = Run(from, to, null, rule);

        var expected = ExpectedEscalations(from, to);
        var escalations = report.Notifications.Where(n => n.Kind == "escalation").ToList();
        Assert.Equal(expected.Select(e => e.Day), escalations.Select(n => DayOf(n.Time)));
        foreach (var (notification, (_, change, first)) in escalations.Zip(expected))
        {
            Assert.StartsWith($"DeRisk: worse: BTC {Pct(change)}% in 7d", notification.Text, StringComparison.Ordinal);
            Assert.Contains($"was {Pct(first)}% at the first alert", notification.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void May_2022_escalates_the_7_day_fall_at_least_once()
    {
        // The assertion above would pass with no escalation at all if the CSV had none: this period has one.
        Assert.NotEmpty(ExpectedEscalations(new DateOnly(2022, 5, 1), new DateOnly(2022, 7, 15)));
        Assert.NotEmpty(ExpectedEscalations(new DateOnly(2020, 3, 1), new DateOnly(2020, 4, 15)).Concat(ExpectedEscalations(new DateOnly(2018, 1, 1), new DateOnly(2018, 3, 31))));
    }

    [Fact]
    public void The_ust_collapse_escalates_its_critical_depeg_every_5_points_by_default_and_never_on_a_bounce()
    {
        var report = Run(new DateOnly(2022, 5, 1), new DateOnly(2022, 6, 30), null, new DepegRule("UST", 2));

        // From the CSV: the depth off the peg at each tick, the step (5 points past the 2 % limit) it reaches, and each
        // new highest step while the alert stays firing (it never re-arms: UST never came back within 1 %).
        var expected = new List<DateOnly>();
        int? step = null;
        for (var day = new DateOnly(2022, 5, 1); day <= new DateOnly(2022, 6, 30); day = day.AddDays(1))
        {
            var off = Math.Abs(History.AtTick("UST", day)!.Value - 1) * 100;
            var reached = (int)Math.Floor(((off - 2) / RuleSpec.DefaultDepegEscalation) + 1e-9);
            if (step is null && off > 2)
            {
                step = reached;
            }
            else if (step is { } notified && off > 2 && reached > notified)
            {
                expected.Add(day);
                step = reached;
            }
        }

        var escalations = report.Notifications.Where(n => n.Text.Contains("worse: UST", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, escalations.Select(n => DayOf(n.Time)));
        Assert.All(escalations, n => Assert.True(n.Critical));
        Assert.Equal(1, report.Rules.Single().Episodes);
    }

    [Fact]
    public void The_all_clear_of_2022_06_15_says_the_fall_has_slowed_with_the_price_below_the_alert_not_that_all_is_well()
    {
        var report = Run(new DateOnly(2022, 6, 1), new DateOnly(2022, 6, 20), null,
            new PriceChangeRule("BTC", ChangeDirection.Drop, 15, RuleWindow.OneDay) { AllClear = true });

        var clear = Assert.Single(report.Notifications, n => n.Kind == "allClear");
        var (now, atAlert) = (History.BtcClose(new DateOnly(2022, 6, 14)), History.BtcClose(new DateOnly(2022, 6, 13)));
        var change = ((now / atAlert) - 1) * 100;
        Assert.Equal(new DateOnly(2022, 6, 15), DayOf(clear.Time));
        Assert.True(now < atAlert);
        Assert.Equal(
            $"DeRisk all clear: BTC 24h fall eased to {Pct(change)}%, now {Usd(now)}, below {Usd(atAlert)} at the alert. The fall has slowed; prices have not recovered. Reply STOP to end.",
            clear.Text);
    }

    [Fact]
    public void A_combinations_all_clear_names_only_the_conditions_that_cleared()
    {
        var panic = new AllOfRule([new PriceChangeRule("BTC", ChangeDirection.Drop, 8, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 15)]) { AllClear = true };

        var report = Run(new DateOnly(2022, 6, 10), new DateOnly(2022, 6, 16), null, panic);

        // It fired on 06-14 (BTC -15.4 %, index 8); on 06-15 BTC's fall eased but the index (7) was still in alarm.
        var clear = Assert.Single(report.Notifications, n => n.Kind == "allClear");
        Assert.Equal(new DateOnly(2022, 6, 15), DayOf(clear.Time));
        Assert.True(History.Index(new DateOnly(2022, 6, 15)) <= 15);
        Assert.Contains("BTC 24h fall eased", clear.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Fear", clear.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("F&G", clear.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void March_2023_advice_never_names_usdc_while_it_is_off_its_peg_and_names_it_when_it_holds()
    {
        // BTC under $30,000 all month, with a reminder every day: one message a day to read the advice of.
        var report = Run(new DateOnly(2023, 3, 1), new DateOnly(2023, 3, 31), null,
            new PriceLevelRule("BTC", PriceComparison.Below, 30_000) { RepeatEvery = TimeSpan.FromDays(1) });

        Assert.Equal(31, report.Notifications.Count);
        var offPegDays = 0;
        foreach (var notification in report.Notifications)
        {
            var usdc = History.AtTick("USDC", DayOf(notification.Time))!.Value;
            if (Math.Abs(usdc - 1) * 100 > PortfolioAdvice.PegTolerancePercent)
            {
                offPegDays++;
                Assert.EndsWith("Consider cash: USDC is off its peg. Reply STOP to end.", notification.Text, StringComparison.Ordinal);
            }
            else
            {
                Assert.EndsWith("Consider moving to USDC. Reply STOP to end.", notification.Text, StringComparison.Ordinal);
            }
        }

        Assert.True(offPegDays > 0);
    }

    [Fact]
    public void May_2022_advice_never_names_ust_once_it_is_off_its_peg()
    {
        // UST as a refuge (first choice) to prove the point: it may be named only while it holds its peg.
        var wording = AlertWording.Default with { Refuges = ["UST", "USDC"] };
        var report = Run(new DateOnly(2022, 5, 1), new DateOnly(2022, 5, 31), wording,
            new PriceLevelRule("BTC", PriceComparison.Below, 50_000) { RepeatEvery = TimeSpan.FromDays(1) });

        Assert.Equal(31, report.Notifications.Count);
        var named = 0;
        foreach (var notification in report.Notifications)
        {
            var ust = History.AtTick("UST", DayOf(notification.Time))!.Value;
            if (Math.Abs(ust - 1) * 100 > PortfolioAdvice.PegTolerancePercent)
            {
                Assert.DoesNotContain("moving to UST", notification.Text, StringComparison.Ordinal);
                Assert.EndsWith("Consider cash: UST is off its peg. Reply STOP to end.", notification.Text, StringComparison.Ordinal);
            }
            else
            {
                named++;
                Assert.EndsWith("Consider moving to UST. Reply STOP to end.", notification.Text, StringComparison.Ordinal);
            }
        }

        Assert.InRange(named, 1, 30);
    }

    [Fact]
    public void A_rise_rule_says_take_profit_and_its_escalation_says_further()
    {
        var report = Run(new DateOnly(2021, 1, 1), new DateOnly(2021, 2, 28), null,
            new PriceChangeRule("BTC", ChangeDirection.Rise, 20, RuleWindow.SevenDays) { EscalateEvery = 10 });

        Assert.NotEmpty(report.Notifications);
        Assert.All(report.Notifications, n => Assert.EndsWith("Consider taking some profit. Reply STOP to end.", n.Text, StringComparison.Ordinal));
        Assert.All(report.Notifications.Where(n => n.Kind == "escalation"), n => Assert.StartsWith("DeRisk: further: BTC +", n.Text, StringComparison.Ordinal));
    }
}
