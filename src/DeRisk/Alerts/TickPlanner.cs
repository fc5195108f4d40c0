using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Alerts;

/// <summary>Notifications sent so far on one local day of a subscriber, for the daily cap.</summary>
public sealed record DailyBudget(DateOnly Day, int Sent, Azure.ETag? ETag = null)
{
    public static readonly DailyBudget None = new(DateOnly.MinValue, 0);
}

/// <summary>
/// What one tick does for one subscriber: the states to write, the notifications to queue (one per message and
/// channel the subscriber has confirmed and not stopped), the budget left.
/// </summary>
public sealed record SubscriberPlan(
    IReadOnlyList<(AlertState Next, Transition Transition)> Writes,
    IReadOnlyList<Notification> Notifications,
    DailyBudget? Budget,
    IReadOnlyList<(string RuleId, Verdict Verdict)> Verdicts,
    int Capped,
    int Deferred);

/// <summary>
/// Plans one subscriber's tick, with no I/O, for both the functions and the backtest: each rule's verdict and
/// lifecycle transition; every rule that fires (or repeats) in the tick in one grouped message; all-clears grouped
/// likewise; non-critical messages deferred to the end of the subscriber's quiet hours; and at most the daily cap of
/// non-critical messages per local day (critical ones — a stablecoin off its peg — always go, and count).
/// Notification ids are deterministic in (subscriber, rules, episodes), so replanning the same tick yields the same ids.
/// </summary>
public static class TickPlanner
{
    public static SubscriberPlan Plan(
        Subscriber subscriber,
        IReadOnlyList<StoredRule> rules,
        Func<string, AlertState> stateOf,
        DailyBudget budget,
        MarketView market,
        Uri? consoleUrl = null)
    {
        var now = market.Now;
        var writes = new List<(AlertState, Transition)>();
        var verdicts = new List<(string, Verdict)>(rules.Count);
        var alerts = new List<(StoredRule Rule, AlertState Next, bool Critical)>();
        var clears = new List<(StoredRule Rule, AlertState Next, bool Critical)>();
        foreach (var rule in rules)
        {
            var verdict = RuleEvaluator.Evaluate(rule.Spec, market);
            verdicts.Add((rule.Id, verdict));
            var transition = AlertLifecycle.Next(stateOf(rule.Id), rule.Spec, verdict, now);
            switch (transition)
            {
                case Transition.Fire t: writes.Add((t.Next, t)); alerts.Add((rule, t.Next, false)); break;
                case Transition.Repeat t: writes.Add((t.Next, t)); alerts.Add((rule, t.Next, false)); break;
                case Transition.Resolve t: writes.Add((t.Next, t)); if (t.AllClear) { clears.Add((rule, t.Next, false)); } break;
                case Transition.Pend t: writes.Add((t.Next, t)); break;
                case Transition.Cancel t: writes.Add((t.Next, t)); break;
            }
        }

        // One order wherever the rules came from (storage or a rules file): critical first, then by rule id. Whether a
        // rule is critical on this market is worked out once per rule (a combination evaluates its children for it).
        alerts = InOrder(alerts, market);
        clears = InOrder(clears, market);

        var preferences = subscriber.Delivery;
        var today = preferences.LocalDate(now);
        var sent = budget.Day == today ? budget.Sent : 0;
        var notifications = new List<Notification>();
        int capped = 0, deferred = 0, messages = 0;
        foreach (var (group, isClear) in new[] { (alerts, false), (clears, true) })
        {
            if (group.Count == 0)
            {
                continue;
            }

            var critical = !isClear && group[0].Critical;
            if (!critical && sent >= preferences.DailyCap)
            {
                capped++;
                continue;
            }

            sent++;
            messages++;
            var deliverAt = critical ? null : preferences.QuietUntil(now);
            deferred += deliverAt is null ? 0 : 1;
            var specs = group.Select(g => g.Rule.Spec).ToList();
            var id = IdFor(subscriber.Id, group, isClear);
            var covers = group.Select(g => new RuleEpisode(g.Rule.Id, g.Next.Episode)).ToList();

            // One copy per channel the subscriber confirmed and has not stopped, each rendered for its channel; a
            // pending or stopped channel gets nothing, and the alert state still moves so nothing piles up for later.
            if (subscriber.SmsEnabled)
            {
                var text = isClear ? AlertMessageRenderer.AllClear(specs, market) : AlertMessageRenderer.Sms(specs, market);
                notifications.Add(new Notification(id, subscriber.Id, covers, Notification.SmsChannel, text, now, deliverAt, critical));
            }

            if (subscriber.EmailEnabled)
            {
                var email = AlertMessageRenderer.Email(specs, market, isClear, consoleUrl);
                notifications.Add(new Notification(Notification.IdForChannel(id, Notification.EmailChannel), subscriber.Id, covers, Notification.EmailChannel,
                    email.Text, now, deliverAt, critical, email.Subject, email.Html));
            }
        }

        var nextBudget = messages > 0 || (budget.Day != today && capped > 0)
            ? new DailyBudget(today, sent, budget.ETag)
            : null;
        return new SubscriberPlan(writes, notifications, nextBudget, verdicts, capped, deferred);
    }

    private static List<(StoredRule Rule, AlertState Next, bool Critical)> InOrder(List<(StoredRule Rule, AlertState Next, bool Critical)> entries, MarketView market) =>
        entries.Select(e => e with { Critical = e.Rule.Spec.IsCriticalOn(market) })
            .OrderBy(e => e.Critical ? 0 : 1).ThenBy(e => e.Rule.Id, StringComparer.Ordinal).ToList();

    private static string IdFor(string subscriberId, List<(StoredRule Rule, AlertState Next, bool Critical)> group, bool isClear)
    {
        if (group.Count == 1)
        {
            var (rule, next, _) = group[0];
            var id = Notification.IdFor(subscriberId, rule.Id, next.Episode);
            return isClear ? id + "-clear" : next.Repeats > 0 ? id + "-r" + next.Repeats.ToString(CultureInfo.InvariantCulture) : id;
        }

        var parts = string.Join(',', group
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Rule.Id}:{g.Next.Episode}:{g.Next.Repeats}"))
            .Order(StringComparer.Ordinal));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parts)))[..24];
        return $"{subscriberId}-{(isClear ? "c" : "g")}{hash}";
    }
}
