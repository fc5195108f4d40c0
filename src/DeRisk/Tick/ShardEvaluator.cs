using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;

namespace DeRisk.Tick;

/// <summary>
/// Evaluates one shard's subscribers against the tick's market view through the <see cref="TickPlanner"/>: one
/// partition scan of subscribers and rules, one of alert states. It queues every planned notification of the shard
/// first and then writes the states with ETags, in batch transactions within the shard's partition: a crash in between, or the same shard evaluated twice, re-plans the same notification
/// ids (dropped by the dispatcher's delivery record and Service Bus duplicate detection) or, once the state is written,
/// plans nothing; a concurrent evaluation loses the ETag race.
/// </summary>
public sealed class ShardEvaluator(
    SubscriberStore subscribers,
    AlertStateStore states,
    INotificationQueue queue,
    Microsoft.Extensions.Options.IOptions<TickOptions> options,
    Microsoft.Extensions.Options.IOptions<AdviceOptions> advice,
    ILogger<ShardEvaluator> logger)
{
    private sealed record StateWrite(Azure.Data.Tables.TableEntity Entity, Azure.ETag? ETag, AlertState? Next, Transition? Transition);

    public async Task<EvaluationResult> EvaluateAsync(string shard, MarketView market, CancellationToken cancellationToken)
    {
        int subscriberCount = 0, ruleCount = 0, met = 0, noData = 0, fired = 0, repeated = 0, resolved = 0, deferred = 0, capped = 0, conflicts = 0;
        var outgoing = new List<OutgoingMessage>();
        var writes = new List<StateWrite>();
        ShardAlerts? alerts = null;
        var wording = advice.Value.Wording(options.Value.ConsoleUri);
        var nextTick = options.Value.NextTickAfter(market.Now);
        await foreach (var entry in subscribers.ScanShardAsync(shard, cancellationToken).ConfigureAwait(false))
        {
            subscriberCount++;
            if (entry.Rules.Count == 0)
            {
                continue;
            }

            alerts ??= await states.ReadShardAsync(shard, cancellationToken).ConfigureAwait(false);
            var id = entry.Subscriber.Id;
            var plan = TickPlanner.Plan(entry.Subscriber, entry.Rules, ruleId => alerts.StateOf(id, ruleId), alerts.BudgetOf(id), market, wording, nextTick);
            ruleCount += entry.Rules.Count;
            foreach (var (ruleId, verdict) in plan.Verdicts)
            {
                switch (verdict.Kind)
                {
                    case VerdictKind.Met: met++; break;
                    case VerdictKind.NoData: noData++; TickLog.NoData(logger, id, ruleId, verdict.NoDataReason!); break;
                }
            }

            foreach (var notification in plan.Notifications)
            {
                outgoing.Add(new OutgoingMessage(notification.Id, notification.ToBinary(), notification.DeliverAt, notification.Critical));
            }

            deferred += plan.Deferred;
            capped += plan.Capped;
            if (plan.Capped > 0)
            {
                TickLog.Capped(logger, id, plan.Capped);
            }

            foreach (var (next, transition) in plan.Writes)
            {
                writes.Add(new StateWrite(AlertStateStore.ToEntity(shard, next), next.ETag, next, transition));
            }

            if (plan.Budget is { } budget)
            {
                writes.Add(new StateWrite(AlertStateStore.ToEntity(shard, id, budget), budget.ETag, null, null));
            }
        }

        // Every notification of the shard is queued before any state is written (side by side: the queue is I/O-bound);
        // then the states go in batch transactions of up to 100 rows of the shard's partition.
        await queue.SendManyAsync(outgoing, cancellationToken).ConfigureAwait(false);
        var written = await states.WriteAsync(writes.Select(w => (w.Entity, w.ETag)).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            if (!written[i])
            {
                conflicts++;
                continue;
            }

            var (_, _, next, transition) = writes[i];
            switch (transition)
            {
                case Transition.Fire:
                    fired++;
                    TickLog.Fired(logger, next!.SubscriberId, next.RuleId, next.Episode, next.Observed ?? double.NaN);
                    break;
                case Transition.Repeat or Transition.Escalate:
                    repeated++;
                    break;
                case Transition.Resolve:
                    resolved++;
                    TickLog.Resolved(logger, next!.SubscriberId, next.RuleId, next.Episode);
                    break;
            }
        }

        var sent = outgoing.Count;
        return new EvaluationResult(subscriberCount, ruleCount, met, noData, fired, repeated, resolved, sent, deferred, capped, conflicts);
    }
}
