using System.Globalization;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;

namespace DeRisk.Tests.Tick;

/// <summary>
/// News held back by quiet hours (re-checked when they end) or by the daily cap (rolled into a digest when it resets),
/// planned tick by tick as the functions run them: every five minutes, on a made-up market.
/// </summary>
public sealed class HeldNewsTests
{
    private static readonly DateTimeOffset Night = new(2022, 5, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly StoredRule BtcDrop = new("r1", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), default);
    private static readonly StoredRule BtcBelow = new("r2", new PriceLevelRule("BTC", PriceComparison.Below, 28_000), default);

    private static Subscriber Subscriber(int cap = 10, bool quiet = true) =>
        DeRisk.Subscribers.Subscriber.WithSms("s1", "+14155550100", default, new DeliveryPreferences("UTC",
            quiet ? new TimeOnly(23, 0) : null, quiet ? new TimeOnly(7, 0) : null, cap));

    /// <summary>Runs ticks in order, carrying states and the budget between them as the store would.</summary>
    private sealed class Ticks(Subscriber subscriber, params StoredRule[] rules)
    {
        public Dictionary<string, AlertState> States { get; } = rules.ToDictionary(r => r.Id, r => AlertState.Initial(subscriber.Id, r.Id));

        public DailyBudget Budget { get; private set; } = DailyBudget.None;

        public SubscriberPlan Run(MarketView market)
        {
            var plan = TickPlanner.Plan(subscriber, rules, id => States[id], Budget, market, AlertWording.Default, market.Now.AddMinutes(5));
            foreach (var (next, _) in plan.Writes)
            {
                States[next.RuleId] = next;
            }

            Budget = plan.Budget ?? Budget;
            return plan;
        }
    }

    [Fact]
    public void An_alert_in_quiet_hours_is_held_and_sent_when_they_end_with_the_figures_then_and_since_when()
    {
        var ticks = new Ticks(Subscriber(), BtcDrop);

        var atNight = ticks.Run(Synthetic.Btc(Night, -12, 27_000));
        var later = ticks.Run(Synthetic.Btc(Night.AddHours(3), -15, 25_500));
        var morning = ticks.Run(Synthetic.Btc(Night.AddHours(5), -14, 26_000));

        Assert.Empty(atNight.Notifications);
        Assert.Equal(1, atNight.Deferred);
        Assert.Single(atNight.Writes, w => w.Transition is Transition.Fire);
        Assert.Empty(later.Notifications);
        var sms = Assert.Single(morning.Notifications);
        Assert.Null(sms.DeliverAt);
        Assert.Equal("DeRisk: BTC -14.0% in 24h (your limit -10.0%), now $26,000 since 02:00. Consider moving to cash. Reply STOP to end.", sms.Text);
        Assert.Equal([new RuleEpisode("r1", 1)], sms.Rules);
        Assert.Null(ticks.States["r1"].HeldSince);
    }

    [Fact]
    public void An_alert_that_cleared_during_quiet_hours_becomes_one_summary_line_not_an_alarm()
    {
        var ticks = new Ticks(Subscriber(), BtcDrop);

        ticks.Run(Synthetic.Btc(Night, -11.5, 27_000));
        var cleared = ticks.Run(Synthetic.Btc(Night.AddHours(2), -2, 29_400));
        Assert.Equal(HoldReason.QuietHours, ticks.States["r1"].Held);
        Assert.Equal(AlertStatus.Ok, ticks.States["r1"].Status);
        var morning = ticks.Run(Synthetic.Btc(Night.AddHours(5), -1, 29_500));

        Assert.Empty(cleared.Notifications);
        var sms = Assert.Single(morning.Notifications);
        Assert.Equal("DeRisk overnight: BTC -11.5%/24h at 02:00, since cleared, BTC now $29,500. Reply STOP to end.", sms.Text);
        Assert.DoesNotContain("Consider", sms.Text, StringComparison.Ordinal);
        Assert.Equal("overnight", Assert.Single(morning.Messages).Kind);
        Assert.Null(ticks.States["r1"].HeldSince);
    }

    [Fact]
    public void A_critical_alarm_is_never_held_back()
    {
        var depeg = new StoredRule("r3", new DepegRule("USDC", 1), default);
        var ticks = new Ticks(Subscriber(), depeg);

        var plan = ticks.Run(Synthetic.View(Night, new Dictionary<string, double> { ["USDC"] = 0.95 }));

        var sms = Assert.Single(plan.Notifications);
        Assert.True(sms.Critical);
        Assert.Null(sms.DeliverAt);
        Assert.Null(ticks.States["r3"].HeldSince);
    }

    [Fact]
    public void Over_the_daily_cap_news_is_held_and_goes_as_one_digest_when_the_cap_resets_with_what_still_fires()
    {
        var ticks = new Ticks(Subscriber(cap: 1, quiet: false), BtcDrop, BtcBelow);
        var noon = new DateTimeOffset(2022, 5, 10, 12, 0, 0, TimeSpan.Zero);

        var first = ticks.Run(Synthetic.Btc(noon, -11, 28_500));          // r1 fires: the day's one message
        var second = ticks.Run(Synthetic.Btc(noon.AddHours(1), -12, 27_500)); // r2 fires: over the cap, held
        var heldAfterSecond = (ticks.States["r2"].Held, ticks.States["r2"].HeldLine);
        var evening = ticks.Run(Synthetic.Btc(noon.AddHours(6), -13, 27_000));
        var nextDay = ticks.Run(Synthetic.Btc(new DateTimeOffset(2022, 5, 11, 0, 5, 0, TimeSpan.Zero), -5, 26_800));

        Assert.Single(first.Notifications);
        Assert.Empty(second.Notifications);
        Assert.Equal(1, second.Capped);
        Assert.Equal((HoldReason.DailyCap, "BTC $27,500"), heldAfterSecond);
        Assert.Empty(evening.Notifications);

        var digest = Assert.Single(nextDay.Notifications);
        Assert.Equal("digest", Assert.Single(nextDay.Messages).Kind);
        Assert.StartsWith("DeRisk digest: BTC $26,800 (below your $28,000)", digest.Text, StringComparison.Ordinal);
        Assert.Contains("since May 10 13:00", digest.Text, StringComparison.Ordinal);
        Assert.Equal((new DateOnly(2022, 5, 11), 1), (ticks.Budget.Day, ticks.Budget.Sent));
        Assert.All(ticks.States.Values, s => Assert.Null(s.HeldSince));
    }

    [Fact]
    public void On_a_daily_schedule_quiet_hours_are_not_rechecked_but_the_message_waits_for_their_end()
    {
        // No tick comes before 07:00: this tick is the last look, so the message is scheduled for the end.
        var plan = TickPlanner.Plan(Subscriber(), [BtcDrop], _ => AlertState.Initial("s1", "r1"), DailyBudget.None,
            Synthetic.Btc(Night, -12, 27_000), AlertWording.Default, Night.AddDays(1));

        var sms = Assert.Single(plan.Notifications);
        Assert.Equal(new DateTimeOffset(2022, 5, 10, 7, 0, 0, TimeSpan.Zero), sms.DeliverAt);
        Assert.All(plan.Writes, w => Assert.Null(w.Next.HeldSince));
    }

    [Fact]
    public void Replanning_a_tick_with_held_news_gives_the_same_notification_ids()
    {
        var ticks = new Ticks(Subscriber(), BtcDrop);
        ticks.Run(Synthetic.Btc(Night, -12, 27_000));
        var states = new Dictionary<string, AlertState>(ticks.States);
        var morning = Synthetic.Btc(Night.AddHours(5), -14, 26_000);

        var once = TickPlanner.Plan(Subscriber(), [BtcDrop], id => states[id], DailyBudget.None, morning, AlertWording.Default, morning.Now.AddMinutes(5));
        var twice = TickPlanner.Plan(Subscriber(), [BtcDrop], id => states[id], DailyBudget.None, morning, AlertWording.Default, morning.Now.AddMinutes(5));

        Assert.Equal(once.Notifications.Select(n => n.Id), twice.Notifications.Select(n => n.Id));
        Assert.EndsWith("-h" + Night.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), once.Notifications[0].Id, StringComparison.Ordinal);
    }
}
