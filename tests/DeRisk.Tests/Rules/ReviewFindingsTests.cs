using DeRisk.Alerts;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;

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
}
