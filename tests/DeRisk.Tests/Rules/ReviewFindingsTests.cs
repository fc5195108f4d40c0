using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;

namespace DeRisk.Tests.Rules;

/// <summary>Defects found in review of issue 15 (escalation, held news, refuges), each pinned by a test.</summary>
public sealed class ReviewFindingsTests
{
    private static readonly DateTimeOffset Noon = new(2023, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static Subscriber Sub(int cap = 10, TimeOnly? quietStart = null, TimeOnly? quietEnd = null, string zone = "UTC") =>
        Subscriber.WithSms("s1", "+14155550100", default, new DeliveryPreferences(zone, quietStart, quietEnd, cap));

    /// <summary>Runs ticks in order, carrying states and the budget between them as the store would.</summary>
    private sealed class Ticks(Subscriber subscriber, params StoredRule[] rules)
    {
        public Dictionary<string, AlertState> States { get; } = rules.ToDictionary(r => r.Id, r => AlertState.Initial(subscriber.Id, r.Id));

        public DailyBudget Budget { get; private set; } = DailyBudget.None;

        public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(5);

        public SubscriberPlan Run(MarketView market)
        {
            var plan = TickPlanner.Plan(subscriber, rules, id => States[id], Budget, market, AlertWording.Default, market.Now + Step);
            foreach (var (next, _) in plan.Writes)
            {
                States[next.RuleId] = next;
            }

            Budget = plan.Budget ?? Budget;
            return plan;
        }
    }

    /// <summary>BTC after a 24 h move, and the three default refuges at the given prices.</summary>
    private static MarketView Market(DateTimeOffset now, double btcChange, double usdc = 1, double usdt = 1, double btc = 20_000) =>
        Synthetic.View(now, new Dictionary<string, double> { ["BTC"] = btc, ["USDC"] = usdc, ["USDT"] = usdt, ["DAI"] = 1.0 },
            new Dictionary<string, double> { ["BTC"] = btc / (1 + (btcChange / 100)), ["USDC"] = 1, ["USDT"] = 1, ["DAI"] = 1 });

    [Fact]
    public void A_stablecoin_whose_own_depeg_rule_is_firing_is_never_suggested_as_a_refuge()
    {
        // USDC at $0.985 is within the 2 % the refuge list tolerates, but past the subscriber's own 1 % depeg rule,
        // which fired a tick earlier (so it is not in the BTC message).
        var ticks = new Ticks(Sub(),
            new StoredRule("d", new DepegRule("USDC", 1), default),
            new StoredRule("r", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), default));

        var depeg = ticks.Run(Market(Noon, -3, usdc: 0.985));
        var drop = ticks.Run(Market(Noon.AddMinutes(5), -12, usdc: 0.985));

        Assert.True(Assert.Single(depeg.Notifications).Critical);
        var sms = Assert.Single(drop.Notifications).Text;
        Assert.DoesNotContain("USDC", sms, StringComparison.Ordinal);
        Assert.Contains("Consider moving to USDT or DAI.", sms, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stablecoin_still_firing_inside_its_hysteresis_band_is_not_a_refuge_either()
    {
        var ticks = new Ticks(Sub(),
            new StoredRule("d", new DepegRule("USDC", 1), default),
            new StoredRule("r", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), default));

        ticks.Run(Market(Noon, -3, usdc: 0.985));
        var drop = ticks.Run(Market(Noon.AddMinutes(5), -12, usdc: 0.993)); // 0.7 % off: not met, not yet re-armed (0.5 %)

        Assert.Equal(AlertStatus.Firing, ticks.States["d"].Status);
        Assert.DoesNotContain("USDC", Assert.Single(drop.Notifications).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_critical_alarm_on_the_new_day_does_not_push_the_digest_back_another_day()
    {
        // Cap 1: the day's one message goes, a second alert is held for the digest; the next day a depeg fires first
        // (critical, never capped but counted). The digest must still go that day, not wait for a day with no depeg.
        var ticks = new Ticks(Sub(cap: 1),
            new StoredRule("d", new DepegRule("USDC", 1), default),
            new StoredRule("r1", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), default),
            new StoredRule("r2", new PriceLevelRule("BTC", PriceComparison.Below, 19_000), default));

        Assert.Single(ticks.Run(Market(Noon, -11, btc: 19_500)).Notifications);       // r1: the day's message
        Assert.Empty(ticks.Run(Market(Noon.AddHours(1), -12, btc: 18_500)).Notifications); // r2: over the cap, held
        var nextDay = Noon.Date.AddDays(1);
        var depeg = ticks.Run(Market(new DateTimeOffset(nextDay.AddMinutes(5), TimeSpan.Zero), -12, usdc: 0.95, btc: 18_400));
        var later = ticks.Run(Market(new DateTimeOffset(nextDay.AddMinutes(10), TimeSpan.Zero), -12, usdc: 0.95, btc: 18_300));

        var sent = depeg.Messages.Concat(later.Messages).ToList();
        Assert.Contains(sent, m => m.Critical);
        Assert.Contains(sent, m => m.Kind == "digest" && m.Items.Any(i => i.RuleId == "r2"));
        Assert.Null(ticks.States["r2"].HeldSince);
    }

    [Fact]
    public void A_portfolio_sms_is_plain_gsm7()
    {
        // A busy message falls back to the minimal phrasing, where the portfolio's move was written "~$X": '~' is not
        // in the GSM-7 basic set, so one such SMS is billed as two segments (or sent as UCS-2 by some carriers).
        var now = new DateTimeOffset(2022, 6, 18, 0, 0, 30, TimeSpan.Zero);
        var market = ReplayMarket.ViewAt(ReplayDataset.Default, now, ["BTC", "USDC", "USDT", "DAI", Assets.FearAndGreed], Views.Limit, TimeSpan.FromDays(8));
        RuleSpec[] rules =
        [
            new PortfolioDrawdownRule(new Dictionary<string, double> { ["BTC"] = 2 }, 10, 7, 20),
            new PriceLevelRule("BTC", PriceComparison.Below, 25_000),
            new SentimentRule(SentimentComparison.AtOrBelow, 20),
            new PriceChangeRule("BTC", ChangeDirection.Drop, 5, RuleWindow.SevenDays),
        ];
        Assert.All(rules, r => Assert.Equal((VerdictKind.Met, (string?)null), (RuleEvaluator.Evaluate(r, market).Kind, RuleEvaluator.Evaluate(r, market).NoDataReason)));

        var sms = AlertMessageRenderer.Sms(rules, market);

        Assert.Contains("portfolio", sms, StringComparison.Ordinal);
        Assert.True(AlertMessageRenderer.IsGsm7(sms), sms);
        Assert.True(sms.Length <= AlertMessageRenderer.SmsSegmentLength, sms);
    }

    /// <summary>
    /// A month of half-hourly ticks on a random market, quiet hours across midnight in zones that change clocks, small
    /// caps, every rule shape: no two messages share an id, every SMS is one GSM-7 segment, and no news stays held
    /// back for more than a day and a half.
    /// </summary>
    [Theory]
    [InlineData("Europe/London", 1)]
    [InlineData("America/New_York", 2)]
    [InlineData("Australia/Sydney", 3)]
    [InlineData("UTC", 1)]
    public void On_a_random_month_ids_are_unique_sms_fit_and_nothing_stays_held(string zone, int cap)
    {
        StoredRule[] rules =
        [
            new("a", new PriceChangeRule("BTC", ChangeDirection.Drop, 5, RuleWindow.OneDay) { EscalateEvery = 3, AllClear = true, RepeatEvery = TimeSpan.FromHours(2) }, default),
            new("b", new PriceChangeRule("BTC", ChangeDirection.Rise, 5, RuleWindow.OneDay) { AllClear = true, Name = "Moon" }, default),
            new("c", new DepegRule("USDC", 1) { AllClear = true }, default),
            new("d", new AnyOfRule([new DepegRule("USDT", 2), new PriceChangeRule("BTC", ChangeDirection.Drop, 8, RuleWindow.OneDay)]) { AllClear = true }, default),
            new("e", new AllOfRule([new PriceLevelRule("BTC", PriceComparison.Below, 19_000), new PriceChangeRule("BTC", ChangeDirection.Drop, 3, RuleWindow.OneDay)]) { AllClear = true }, default),
            new("f", new PriceLevelRule("BTC", PriceComparison.Below, 18_000) { RepeatEvery = TimeSpan.FromMinutes(30) }, default),
        ];
        var ticks = new Ticks(Sub(cap, new TimeOnly(22, 0), new TimeOnly(6, 0), zone), rules) { Step = TimeSpan.FromMinutes(30) };
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var random = new Random((zone.Length * 31) + cap);
        var start = new DateTimeOffset(2022, 3, 20, 0, 0, 0, TimeSpan.Zero); // across the EU and AU clock changes
        double change = 0, usdc = 1, usdt = 1;
        for (var i = 0; i < 48 * 30; i++)
        {
            var now = start.AddMinutes(30 * i);
            change = Math.Clamp(change + (random.Next(-30, 31) / 10.0), -40, 20);
            usdc = Math.Clamp(usdc + (random.Next(-5, 6) / 1000.0), 0.85, 1.05);
            usdt = Math.Clamp(usdt + (random.Next(-5, 6) / 1000.0), 0.85, 1.05);
            var plan = ticks.Run(Market(now, change, usdc, usdt, 20_000 * (1 + (change / 100))));
            foreach (var sms in plan.Notifications)
            {
                Assert.True(sms.Text.Length <= AlertMessageRenderer.SmsSegmentLength, sms.Text);
                Assert.True(AlertMessageRenderer.IsGsm7(sms.Text), sms.Text);
                Assert.True(seen.TryAdd(sms.Id, sms.Text), $"{now:O}: id {sms.Id} reused:\n{seen.GetValueOrDefault(sms.Id)}\n{sms.Text}");
            }

            Assert.DoesNotContain(ticks.States.Values, s => s.HeldSince is { } since && now - since > TimeSpan.FromHours(34));
        }
    }

    [Fact]
    public void An_anyOf_fired_by_a_price_drop_sends_a_critical_alarm_once_when_its_depeg_child_is_met_later()
    {
        var ticks = new Ticks(Sub(quietStart: new TimeOnly(22, 0), quietEnd: new TimeOnly(6, 0)),
            new StoredRule("r1", new AnyOfRule([new DepegRule("USDC", 2), new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]), default));

        var drop = ticks.Run(Market(Noon, -12));
        var depeg = ticks.Run(Market(Noon.AddMinutes(5), -12, usdc: 0.90));
        var deeper = ticks.Run(Market(Noon.AddMinutes(10), -12, usdc: 0.85));
        var night = ticks.Run(Market(Noon.AddHours(11), -12, usdc: 0.85)); // 23:00, quiet hours: nothing new to say

        Assert.False(Assert.Single(drop.Notifications).Critical);
        var sms = Assert.Single(depeg.Notifications);
        Assert.True(sms.Critical);
        Assert.Equal(("escalation", true), (Assert.Single(depeg.Messages).Kind, depeg.Messages[0].Critical));
        Assert.StartsWith("DeRisk: worse: USDC 10.0% off peg and BTC", sms.Text, StringComparison.Ordinal);
        Assert.Contains("Your stablecoin may not hold", sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("at the first alert", sms.Text, StringComparison.Ordinal);
        Assert.Empty(deeper.Notifications);
        Assert.Empty(night.Notifications);
    }

    [Fact]
    public void An_anyOf_that_fires_critical_does_not_escalate_on_the_next_tick()
    {
        var ticks = new Ticks(Sub(),
            new StoredRule("r1", new AnyOfRule([new DepegRule("USDC", 2), new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]), default));

        var fire = ticks.Run(Market(Noon, -3, usdc: 0.90));
        var next = ticks.Run(Market(Noon.AddMinutes(5), -12, usdc: 0.90));

        Assert.True(Assert.Single(fire.Notifications).Critical);
        Assert.Empty(next.Notifications);
    }
}
