using DeRisk.Contracts;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using FsCheck.Xunit;

namespace DeRisk.Tests.Tick;

/// <summary>
/// Properties of the planner and the lifecycle over arbitrary markets: nothing planned is lost, escalations only
/// deepen, a refuge is never off its peg, and a combination is critical only through a met critical child.
/// </summary>
public sealed class AlertPlannerPropertyTests
{
    private static readonly DateTimeOffset Start = new(2022, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A 24 h BTC change in [-40, +10] from a generated integer; every 9th is missing data.</summary>
    private static double? ChangeOf(int raw) => Math.Abs(raw % 9) == 4 ? null : -40 + (Math.Abs(raw) % 501 / 10.0);

    [Property(MaxTest = 200)]
    public bool Every_planned_alert_ends_sent_or_held_on_record(int[] raw, int capRaw, int quietRaw)
    {
        // Hourly ticks over a few days, quiet hours (maybe), a small cap: two drop rules, one escalating, one repeating.
        var quiet = Math.Abs(quietRaw) % 2 == 0;
        var subscriber = Subscriber.WithSms("s", "+14155550100", default, new DeliveryPreferences("Europe/London",
            quiet ? new TimeOnly(22, 0) : null, quiet ? new TimeOnly(6, 0) : null, 1 + (Math.Abs(capRaw) % 3)));
        StoredRule[] rules =
        [
            new("a", new PriceChangeRule("BTC", ChangeDirection.Drop, 5, RuleWindow.OneDay) { EscalateEvery = 5, AllClear = true }, default),
            new("b", new PriceChangeRule("BTC", ChangeDirection.Drop, 12, RuleWindow.OneDay) { RepeatEvery = TimeSpan.FromHours(3) }, default),
        ];
        var states = rules.ToDictionary(r => r.Id, r => AlertState.Initial("s", r.Id));
        var budget = DailyBudget.None;
        var pending = new List<(string RuleId, int Tick)>(); // alarms planned, not yet carried by a message
        for (var i = 0; i < raw.Length; i++)
        {
            var now = Start.AddHours(i);
            var market = ChangeOf(raw[i]) is { } change
                ? Synthetic.Btc(now, change)
                : Synthetic.View(now, new Dictionary<string, double>());
            var plan = TickPlanner.Plan(subscriber, rules, id => states[id], budget, market, AlertWording.Default, now.AddHours(1));
            foreach (var (next, transition) in plan.Writes)
            {
                states[next.RuleId] = next;
                if (transition is Transition.Fire or Transition.Repeat or Transition.Escalate)
                {
                    pending.Add((next.RuleId, i));
                }
            }

            budget = plan.Budget ?? budget;
            var carried = plan.Messages.SelectMany(m => m.Items).Select(item => item.RuleId).ToHashSet();
            pending.RemoveAll(p => carried.Contains(p.RuleId));

            // Whatever is not yet carried is on record: held on the rule's state, with a reason and since when.
            if (pending.Any(p => states[p.RuleId] is not { HeldSince: not null, Held: not HoldReason.None }))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 500)]
    public bool Escalation_steps_strictly_deepen_within_an_episode_and_never_refire_on_a_bounce(int[] raw, int stepRaw)
    {
        var step = 1 + (Math.Abs(stepRaw) % 10);
        var rule = new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay) { EscalateEvery = step };
        var state = AlertState.Initial("s", "r");
        var deepest = 0.0; // the deepest change notified in the episode
        foreach (var value in raw)
        {
            var verdict = ChangeOf(value) is { } change
                ? Verdict.Of(change <= -10, change, -10, change > -10 * RuleEvaluator.ChangeRecovery)
                : Verdict.NoData("missing");
            var transition = AlertLifecycle.Next(state, rule, verdict, Start);
            switch (transition)
            {
                case Transition.Fire t:
                    deepest = -verdict.Observed;
                    state = t.Next;
                    break;
                case Transition.Escalate t:
                    // A new, higher step, reached by a value deeper than every one notified before in the episode.
                    if (t.Next.Step <= state.Step || -verdict.Observed <= deepest || t.Next.Step != rule.StepOf(verdict)
                        || -verdict.Observed < 10 + (t.Next.Step * step) - 1e-9)
                    {
                        return false;
                    }

                    deepest = -verdict.Observed;
                    state = t.Next;
                    break;
                case Transition.Resolve t:
                    state = t.Next;
                    break;
                case Transition.Repeat t:
                    state = t.Next;
                    break;
            }
        }

        return true;
    }

    [Property(MaxTest = 500)]
    public bool A_refuge_is_never_off_its_peg_and_follows_the_preference_order(int usdcRaw, int usdtRaw, int daiRaw)
    {
        static double Price(int raw) => 0.9 + (Math.Abs(raw) % 201 / 1000.0); // $0.900 to $1.100
        var prices = new Dictionary<string, double> { ["USDC"] = Price(usdcRaw), ["USDT"] = Price(usdtRaw), ["DAI"] = Price(daiRaw) };
        var market = Synthetic.View(Start, prices);

        var named = AlertMessageRenderer.Refuge(market, AlertWording.Default, [])?.Split(" or ") ?? [];
        var onPeg = AlertWording.DefaultRefuges.Where(r => Math.Abs(prices[r] - 1) * 100 <= PortfolioAdvice.PegTolerancePercent).Take(2);
        return named.All(r => Math.Abs(prices[r] - 1) * 100 <= PortfolioAdvice.PegTolerancePercent) && named.SequenceEqual(onPeg);
    }

    [Property(MaxTest = 500)]
    public bool An_anyOf_is_critical_only_when_a_met_child_is(int ustRaw, int btcRaw)
    {
        var ust = 0.8 + (Math.Abs(ustRaw) % 401 / 1000.0); // $0.80 to $1.20
        var change = -30 + (Math.Abs(btcRaw) % 401 / 10.0); // -30 % to +10 %
        var market = Synthetic.View(Start, new Dictionary<string, double> { ["UST"] = ust, ["BTC"] = 30_000 },
            new Dictionary<string, double> { ["BTC"] = 30_000 / (1 + (change / 100)) });
        var depeg = new DepegRule("UST", 3);
        var rule = new AnyOfRule([depeg, new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]);

        var depegMet = RuleEvaluator.Evaluate(depeg, market).Kind == VerdictKind.Met;
        var text = AlertMessageRenderer.Sms(rule, market);
        return rule.IsCriticalOn(market) == depegMet && text.Contains("may not hold", StringComparison.Ordinal) == depegMet;
    }

    [Property(MaxTest = 100)]
    public bool Escalate_every_round_trips_through_the_contract(int stepRaw)
    {
        var step = Math.Abs(stepRaw) % 101;
        var rule = new DepegRule("USDC", 1) { EscalateEvery = step };
        var json = System.Text.Json.JsonSerializer.Serialize<RuleSpec>(rule, ContractJson.Options);
        return System.Text.Json.JsonSerializer.Deserialize<RuleSpec>(json, ContractJson.Options) == rule
            && (step == 0 ? rule.EscalationStep is null : rule.EscalationStep == step);
    }
}
