using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Tick;

/// <summary>
/// Plans one subscriber's tick, with no I/O, for the functions, the rule test and the backtest: each rule's verdict
/// and lifecycle transition (with the prices at a first alert kept for its all-clear); every rule that fires, repeats
/// or escalates in the tick in one grouped message, all-clears likewise; critical alarms (a stablecoin off its peg)
/// always at once, in their own message. Non-critical news is never dropped:
/// <list type="bullet">
/// <item>in quiet hours it is held back when another tick comes before they end, and re-checked then against that
/// tick's market: still firing, it goes with current figures and since when; cleared meanwhile, as one summary line.
/// When no tick comes before the end (a daily schedule), this tick is the last look and its message waits for the end.</item>
/// <item>over the daily cap it is held back until the cap resets, then goes as one digest with the current state of
/// every rule still firing.</item>
/// </list>
/// Held news stays on the rule's state (visible in GET /api/me/alerts) until a message carries it. Notification ids
/// are deterministic in (subscriber, rules, episodes, steps), so replanning the same tick yields the same ids.
/// </summary>
public static class TickPlanner
{
    private sealed record Entry(StoredRule Rule, AlertState Before, AlertState After, Transition Transition, AlertNews? News);

    /// <param name="nextTick">When the next tick runs (from the schedule); null when unknown, which is taken as "not before quiet hours end".</param>
    public static SubscriberPlan Plan(
        Subscriber subscriber,
        IReadOnlyList<StoredRule> rules,
        Func<string, AlertState> stateOf,
        DailyBudget budget,
        MarketView market,
        AlertWording? wording = null,
        DateTimeOffset? nextTick = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(rules);
        var preferences = subscriber.Delivery;
        wording = (wording ?? AlertWording.Default) with { Zone = preferences.Zone };
        var now = market.Now;
        var verdicts = new List<(string, Verdict)>(rules.Count);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var verdict = RuleEvaluator.Evaluate(rule.Spec, market);
            verdicts.Add((rule.Id, verdict));
            var before = stateOf(rule.Id);
            var transition = AlertLifecycle.Next(before, rule.Spec, verdict, now, rule.Spec.StepOn(verdict, market));

            var after = transition switch
            {
                Transition.Fire t => t.Next with { AtAlert = AlertMessageRenderer.MarksOf(rule.Spec, market) },
                Transition.Repeat t => t.Next,
                Transition.Escalate t => t.Next,
                Transition.Resolve t => t.Next,
                Transition.Pend t => t.Next,
                Transition.Cancel t => t.Next,
                _ => before,
            };
            AlertNews? news = transition switch
            {
                Transition.Fire => AlertNews.Fired,
                Transition.Repeat => AlertNews.Repeated,
                Transition.Escalate => AlertNews.Escalated,
                Transition.Resolve { AllClear: true } => AlertNews.Cleared,
                _ => null,
            };
            if (after.HeldSince is not null && news is not (AlertNews.Fired or AlertNews.Repeated or AlertNews.Escalated))
            {
                // News held back earlier, seen again on this tick's market.
                news = after.Status == AlertStatus.Firing ? AlertNews.StillFiring
                    : after.HeldLine is not null ? AlertNews.ClearedMeanwhile
                    : AlertNews.Cleared;
            }

            entries[rule.Id] = new Entry(rule, before, after, transition, news);
        }

        // One order wherever the rules came from (storage or a rules file): critical first, then by rule id. Whether a
        // rule is critical on this market is worked out once per rule (a combination evaluates its children for it).
        var items = entries.Values.Where(e => e.News is not null)
            .Select(e => new AlertItem(e.Rule.Id, e.Rule.Spec, e.After, e.News!.Value,
                Critical: e.News is AlertNews.Fired or AlertNews.Repeated or AlertNews.Escalated or AlertNews.StillFiring && e.Rule.Spec.IsCriticalOn(market)))
            .OrderBy(i => i.Critical ? 0 : 1).ThenBy(i => i.RuleId, StringComparer.Ordinal).ToList();

        if (items.Count > 0)
        {
            // A stablecoin the subscriber's own depeg rule says is off its peg (met now, or still firing within its
            // hysteresis band) is never suggested as a refuge, even when that rule is not in the message. Worked out
            // only when there is news: most subscribers have none on most ticks.
            var offPeg = entries.Values
                .SelectMany(e => e.Rule.Spec.Leaves().OfType<DepegRule>().Where(d => (e.Rule.Spec is DepegRule && e.After.Status == AlertStatus.Firing)
                    || RuleEvaluator.Evaluate(d, market).Kind == VerdictKind.Met))
                .Select(d => d.Asset).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (offPeg.Count > 0)
            {
                wording = wording with { Refuges = wording.Refuges.Where(r => !offPeg.Contains(r)).ToList() };
            }
        }

        var today = preferences.LocalDate(now);
        var sent = budget.Day == today ? budget.Sent : 0;
        var quietUntil = preferences.QuietUntil(now);
        var recheckLater = quietUntil is { } end && nextTick is { } next && next < end;
        var messages = new List<(List<AlertItem> Items, DateTimeOffset? DeliverAt, bool Critical)>();
        var held = new List<(AlertItem Item, HoldReason Reason)>();
        int capped = 0, deferred = 0;

        // A critical alarm goes at once; outside quiet hours the tick's other alarms ride along in the same message.
        var critical = items.Where(i => i.Critical).ToList();
        if (critical.Count > 0)
        {
            if (quietUntil is null)
            {
                critical.AddRange(items.Where(i => !i.Critical && i.News is AlertNews.Fired or AlertNews.Repeated or AlertNews.Escalated && i.State.HeldSince is null));
            }

            messages.Add((critical, null, true));
            sent++;
        }

        var rest = items.Except(critical).ToList();
        var groups = rest.Any(i => i.News is AlertNews.StillFiring or AlertNews.ClearedMeanwhile || i.State.HeldSince is not null)
            ? [rest]
            : new[] { rest.Where(i => i.IsAlarm).ToList(), rest.Where(i => !i.IsAlarm).ToList() };
        // News held back since an earlier local day goes once the day has turned, even when critical alarms (never
        // capped, but counted) used up the new day's cap first: otherwise a daily depeg could hold it back for ever.
        bool HeldSinceAnEarlierDay(List<AlertItem> group) => group.Any(i => i.State.HeldSince is { } since && preferences.LocalDate(since) < today);
        foreach (var group in groups.Where(g => g.Count > 0))
        {
            if (recheckLater)
            {
                held.AddRange(group.Select(i => (i, HoldReason.QuietHours)));
                deferred++;
            }
            else if (sent >= preferences.DailyCap && !HeldSinceAnEarlierDay(group))
            {
                held.AddRange(group.Select(i => (i, HoldReason.DailyCap)));
                capped++;
            }
            else
            {
                messages.Add((group, quietUntil, false));
                sent++;
                deferred += quietUntil is null ? 0 : 1;
            }
        }

        var finalStates = entries.ToDictionary(e => e.Key, e => e.Value.After, StringComparer.Ordinal);
        foreach (var (item, reason) in held)
        {
            var state = finalStates[item.RuleId];
            finalStates[item.RuleId] = state with
            {
                HeldSince = state.HeldSince ?? now,
                Held = state.Held == HoldReason.None ? reason : state.Held,
                HeldLine = item.IsAlarm ? state.HeldLine ?? AlertMessageRenderer.Line(item.Rule, market) : state.HeldLine,
            };
        }

        var notifications = new List<Notification>();
        var planned = new List<PlannedMessage>();
        foreach (var (group, deliverAt, isCritical) in messages)
        {
            foreach (var item in group)
            {
                finalStates[item.RuleId] = finalStates[item.RuleId].Released();
            }

            var id = IdFor(subscriber.Id, group);
            planned.Add(new PlannedMessage(id, group, deliverAt, isCritical));
            var covers = group.Select(i => new RuleEpisode(i.RuleId, i.State.Episode)).ToList();

            // One copy per channel the subscriber confirmed and has not stopped, each rendered for its channel; a
            // pending or stopped channel gets nothing, and the alert state still moves so nothing piles up for later.
            if (subscriber.SmsEnabled)
            {
                notifications.Add(new Notification(id, subscriber.Id, covers, Notification.SmsChannel, AlertMessageRenderer.Sms(group, market, wording), now, deliverAt, isCritical));
            }

            if (subscriber.EmailEnabled)
            {
                var email = AlertMessageRenderer.Email(group, market, wording);
                notifications.Add(new Notification(Notification.IdForChannel(id, Notification.EmailChannel), subscriber.Id, covers, Notification.EmailChannel,
                    email.Text, now, deliverAt, isCritical, email.Subject, email.Html));
            }
        }

        var writes = new List<(AlertState, Transition)>();
        foreach (var (ruleId, entry) in entries)
        {
            var state = finalStates[ruleId];
            if (entry.Transition is not Transition.None || state != entry.Before)
            {
                writes.Add((state, entry.Transition));
            }
        }

        var nextBudget = messages.Count > 0 || (budget.Day != today && capped > 0)
            ? new DailyBudget(today, sent, budget.ETag)
            : null;
        return new SubscriberPlan(writes, notifications, nextBudget, verdicts, capped, deferred, planned);
    }

    private static string IdFor(string subscriberId, List<AlertItem> group)
    {
        if (group.Count == 1)
        {
            var item = group[0];
            var id = Notification.IdFor(subscriberId, item.RuleId, item.State.Episode);
            return item.News switch
            {
                AlertNews.Fired => id,
                AlertNews.Repeated => id + "-r" + item.State.Repeats.ToString(CultureInfo.InvariantCulture),
                AlertNews.Escalated => id + "-e" + item.State.Step.ToString(CultureInfo.InvariantCulture),
                AlertNews.Cleared when item.State.HeldSince is null => id + "-clear",
                _ => id + "-h" + (item.State.HeldSince ?? default).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            };
        }

        var parts = string.Join(',', group
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.RuleId}:{i.State.Episode}:{i.State.Repeats}:{i.State.Step}:{i.News}:{i.State.HeldSince?.ToUnixTimeSeconds()}"))
            .Order(StringComparer.Ordinal));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parts)))[..24];
        return $"{subscriberId}-{(group.Any(i => i.IsAlarm) ? "g" : "c")}{hash}";
    }
}
