using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using FsCheck.Xunit;

namespace DeRisk.Tests.Tick;

/// <summary>Grouping, quiet hours and the daily cap, planned for one subscriber on real ticks of May 2022.</summary>
public sealed class TickPlannerTests
{
    private static readonly DateTimeOffset May10 = new(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);
    private static readonly StoredRule BtcDrop = new("r1", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), default);
    private static readonly StoredRule LunaDrop = new("r2", new PriceChangeRule("LUNA", ChangeDirection.Drop, 30, RuleWindow.OneDay), default);
    private static readonly StoredRule UstDepeg = new("r3", new DepegRule("UST", 5), default);

    private static Subscriber Subscriber(string zone = "UTC", string? quietStart = null, string? quietEnd = null, int cap = 10) =>
        DeRisk.Subscribers.Subscriber.WithSms("s1", "+14155550100", default, new DeliveryPreferences(zone,
            quietStart is null ? null : TimeOnly.Parse(quietStart, System.Globalization.CultureInfo.InvariantCulture),
            quietEnd is null ? null : TimeOnly.Parse(quietEnd, System.Globalization.CultureInfo.InvariantCulture), cap));

    private static SubscriberPlan Plan(Subscriber subscriber, IReadOnlyList<StoredRule> rules, DailyBudget? budget = null, DateTimeOffset? at = null) =>
        TickPlanner.Plan(subscriber, rules, ruleId => AlertState.Initial(subscriber.Id, ruleId), budget ?? DailyBudget.None, Views.At(at ?? May10));

    [Fact]
    public void Rules_firing_in_the_same_tick_become_one_message_naming_each()
    {
        var plan = Plan(Subscriber(), [BtcDrop, LunaDrop]);

        var planned = Assert.Single(plan.Notifications);
        Assert.StartsWith("DeRisk, 2 alerts: BTC -11.6% in 24h", planned.Text, StringComparison.Ordinal);
        Assert.Contains("; LUNA -50.1% in 24h", planned.Text, StringComparison.Ordinal);
        Assert.True(planned.Text.Length <= AlertMessageRenderer.SmsSegmentLength);
        Assert.Equal(2, plan.Writes.Count(w => w.Transition is Transition.Fire));
        Assert.Equal(planned.Id, Plan(Subscriber(), [LunaDrop, BtcDrop]).Notifications[0].Id);
    }

    [Fact]
    public void Non_critical_alert_in_quiet_hours_waits_for_their_end_in_the_subscriber_time_zone()
    {
        // 00:00:30 UTC on 2022-05-10 is 02:00:30 in Berlin (CEST): inside 23:00-07:00.
        var plan = Plan(Subscriber("Europe/Berlin", "23:00", "07:00"), [BtcDrop]);

        var planned = Assert.Single(plan.Notifications);
        Assert.Equal(new DateTimeOffset(2022, 5, 10, 5, 0, 0, TimeSpan.Zero), planned.DeliverAt);
        Assert.Equal(1, plan.Deferred);

        // Its age is counted from then when it is sent.
        Assert.Equal(planned.DeliverAt, planned.Due);
        Assert.True(planned.Due > planned.CreatedAt);
    }

    [Fact]
    public void Critical_depeg_is_sent_at_once_even_in_quiet_hours_and_over_the_cap()
    {
        var plan = Plan(Subscriber("Europe/Berlin", "23:00", "07:00", cap: 1), [UstDepeg], new DailyBudget(new DateOnly(2022, 5, 10), 1));

        var planned = Assert.Single(plan.Notifications);
        Assert.Null(planned.DeliverAt);
        Assert.Equal(planned.CreatedAt, planned.Due);
        Assert.Contains("off its $1 peg", planned.Text, StringComparison.Ordinal);
        Assert.Equal(2, plan.Budget!.Sent);
    }

    [Fact]
    public void Over_the_daily_cap_a_non_critical_message_is_not_sent_but_the_alert_still_fires()
    {
        var plan = Plan(Subscriber(cap: 3), [BtcDrop], new DailyBudget(new DateOnly(2022, 5, 10), 3));

        Assert.Empty(plan.Notifications);
        Assert.Equal(1, plan.Capped);
        Assert.Single(plan.Writes, w => w.Transition is Transition.Fire);
    }

    [Fact]
    public void The_cap_counts_per_local_day_so_a_new_day_starts_from_zero()
    {
        var plan = Plan(Subscriber(cap: 3), [BtcDrop], new DailyBudget(new DateOnly(2022, 5, 9), 3));

        Assert.Single(plan.Notifications);
        Assert.Equal((new DateOnly(2022, 5, 10), 1), (plan.Budget!.Day, plan.Budget.Sent));
    }

    [Property(MaxTest = 300)]
    public bool Quiet_hours_and_the_daily_cap_always_hold(int startMinute, int endMinute, int hourOffset, int cap, int alreadySent)
    {
        var start = new TimeOnly(0, 0).AddMinutes(Math.Abs(startMinute) % 1440);
        var end = new TimeOnly(0, 0).AddMinutes(Math.Abs(endMinute) % 1440);
        var subscriber = Subscriber("America/New_York", start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), end.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), 1 + (Math.Abs(cap) % 5));
        var now = May10.AddHours(Math.Abs(hourOffset) % 24);
        var sent = Math.Abs(alreadySent) % 7;
        var budget = new DailyBudget(subscriber.Delivery.LocalDate(now), sent);

        var rules = Math.Abs(alreadySent) % 2 == 0 ? new[] { BtcDrop, UstDepeg, LunaDrop } : [BtcDrop, LunaDrop];
        var plan = Plan(subscriber, rules, budget, now);

        var quietUntil = subscriber.Delivery.QuietUntil(now);
        foreach (var planned in plan.Notifications)
        {
            if (!planned.Critical && planned.DeliverAt != quietUntil)
            {
                return false;
            }

            if (planned.DeliverAt is { } at && (at <= now || subscriber.Delivery.QuietUntil(at) is not null))
            {
                return false;
            }
        }

        var nonCriticalAllowed = Math.Max(0, subscriber.Delivery.DailyCap - sent);
        return plan.Notifications.All(n => n.Text.Length <= AlertMessageRenderer.SmsSegmentLength)
            && plan.Notifications.Count(n => !n.Critical) <= nonCriticalAllowed;
    }

    [Fact]
    public void One_message_is_one_notification_per_active_channel_each_rendered_for_it_and_covering_every_rule()
    {
        var subscriber = Subscriber() with { Email = "ann@example.com", EmailState = ChannelState.Active };
        var plan = TickPlanner.Plan(subscriber, [BtcDrop, LunaDrop, UstDepeg], ruleId => AlertState.Initial(subscriber.Id, ruleId), DailyBudget.None, Views.At(May10),
            AlertWording.Default with { ConsoleUrl = new Uri("https://derisk.example.com/api/console/") });

        Assert.Equal(1, plan.Budget!.Sent);
        Assert.Equal(2, plan.Notifications.Count);
        var (sms, email) = (plan.Notifications[0], plan.Notifications[1]);
        Assert.Equal(("sms", "email", sms.Id + ".email"), (sms.Channel, email.Channel, email.Id));
        Assert.All(plan.Notifications, n => Assert.Equal(["r3", "r1", "r2"], n.RuleIds));
        Assert.All(plan.Notifications, n => Assert.True(n.Critical));
        Assert.True(sms.Text.Length <= AlertMessageRenderer.SmsSegmentLength);
        Assert.Null(sms.Html);

        // The email has room for every rule in full, and links to manage and to stop; no SMS opt-out line.
        Assert.StartsWith("DeRisk, 3 alerts: ", email.Subject, StringComparison.Ordinal);
        Assert.True(email.Subject!.Length <= 90);
        foreach (var phrase in new[] { "UST at $", "off its $1 peg (your limit 5%)", "BTC -11.6% in 24h (your limit -10.0%), now $", "LUNA -50.1% in 24h (your limit -30.0%), now $" })
        {
            Assert.Contains(phrase, email.Text, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(phrase), email.Html, StringComparison.Ordinal);
        }

        Assert.Contains("https://derisk.example.com/api/console/#/rules", email.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://derisk.example.com/api/console/#/profile\"", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Reply STOP", email.Text, StringComparison.Ordinal);
        Assert.Contains("market data as of 2022-05-10 00:00 UTC", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stopped_or_unconfirmed_channel_gets_no_copy_but_the_message_still_counts()
    {
        var subscriber = Subscriber() with { SmsState = ChannelState.Stopped, Email = "ann@example.com", EmailState = ChannelState.Pending };

        var plan = Plan(subscriber, [BtcDrop]);

        Assert.Empty(plan.Notifications);
        Assert.Equal(1, plan.Budget!.Sent);
        Assert.Single(plan.Writes, w => w.Transition is Transition.Fire);
    }
}
