using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tick;

namespace DeRisk.Backtest;

/// <summary>
/// Replays the shipped history through the same evaluator, lifecycle and tick planner the functions use, for one
/// subscriber's rules, in memory: what would these rules have sent, and how early?
/// </summary>
public sealed class Backtester(ReplayDataset data, MarketOptions market, AlertWording? wording = null)
{
    public BacktestReport Run(BacktestRules rules, BacktestRange range, IProgress<double>? progress = null)
    {
        var subscriber = Subscriber.WithSms("backtest", "", default, rules.Preferences);
        // The refuges are watched too, so the advice names only those on their peg that day (or cash).
        var symbols = rules.Rules.SelectMany(r => r.Spec.Symbols).Append("BTC").Concat((wording ?? AlertWording.Default).Refuges)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var dailyDays = HistoryNeeds.DailyDays(rules.Rules.Select(r => r.Spec));
        var states = rules.Rules.ToDictionary(r => r.Id, r => AlertState.Initial(subscriber.Id, r.Id), StringComparer.Ordinal);
        var counts = rules.Rules.ToDictionary(r => r.Id, _ => new int[4], StringComparer.Ordinal); // notifications, episodes, resolved, no data
        var budget = DailyBudget.None;
        var notifications = new List<BacktestNotification>();
        var fired = new List<(string RuleId, int Episode, DateTimeOffset At)>();
        var capped = 0;
        var total = range.Ticks;
        var tick = 0;
        for (var now = range.Start; now <= range.End; now += range.Step, tick++)
        {
            var view = ReplayMarket.ViewAt(data, now, symbols, market.StalenessLimitFor, market.HistoryWindow, dailyDays);
            // The next tick is a step away: with daily steps, quiet hours end before it, so this tick is their last look.
            var plan = TickPlanner.Plan(subscriber, rules.Rules, id => states[id], budget, view, wording, now + range.Step);
            foreach (var (next, transition) in plan.Writes)
            {
                states[next.RuleId] = next;
                switch (transition)
                {
                    case Transition.Fire:
                        counts[next.RuleId][1]++;
                        fired.Add((next.RuleId, next.Episode, now));
                        break;
                    case Transition.Resolve:
                        counts[next.RuleId][2]++;
                        break;
                }
            }

            foreach (var (ruleId, verdict) in plan.Verdicts)
            {
                counts[ruleId][3] += verdict.Kind == Rules.VerdictKind.NoData ? 1 : 0;
            }

            foreach (var planned in plan.Notifications)
            {
                var kind = plan.Messages.First(m => m.Id == planned.Id).Kind;
                notifications.Add(new BacktestNotification(now, planned.DeliverAt, planned.RuleIds.ToList(), planned.Critical, planned.Text, kind));
                foreach (var ruleId in planned.RuleIds)
                {
                    counts[ruleId][0]++;
                }
            }

            budget = plan.Budget ?? budget;
            capped += plan.Capped;
            if (tick % 64 == 0)
            {
                progress?.Report((double)tick / total);
            }
        }

        progress?.Report(1);
        var summaries = rules.Rules
            .Select(r => new RuleSummary(r.Id, r.Spec.KindName, counts[r.Id][0], counts[r.Id][1], counts[r.Id][2], counts[r.Id][3]))
            .ToList();
        var episodes = fired.Select(f => Outcome(f.RuleId, f.Episode, f.At, rules.Rules.First(r => r.Id == f.RuleId).Spec, range)).OfType<EpisodeOutcome>().ToList();
        return new BacktestReport(range, notifications, summaries, episodes, capped);
    }

    /// <summary>The lowest price of the rule's asset from the alert to the end of the range, and the move a week on.</summary>
    private EpisodeOutcome? Outcome(string ruleId, int episode, DateTimeOffset at, Rules.RuleSpec spec, BacktestRange range)
    {
        var asset = spec.Symbols.FirstOrDefault(s => s != Assets.FearAndGreed) ?? "BTC";
        if (data.LatestAtOrBefore(asset, at) is not { } start)
        {
            return null;
        }

        var bottom = start;
        foreach (var point in data.Series(asset))
        {
            if (point.AsOf > at && point.AsOf <= range.End && point.Value < bottom.Value)
            {
                bottom = point;
            }
        }

        var weekLater = data.LatestAtOrBefore(asset, at.AddDays(7));
        double? moveAfterWeek = weekLater is { } w && w.AsOf > at && at.AddDays(7) <= range.End ? ((w.Value / start.Value) - 1) * 100 : null;
        return new EpisodeOutcome(ruleId, episode, at, asset, start.Value, bottom.AsOf, bottom.Value,
            Math.Max(0, (bottom.AsOf - at).TotalDays), ((bottom.Value / start.Value) - 1) * 100, moveAfterWeek);
    }
}
