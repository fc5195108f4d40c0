using System.Globalization;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;

namespace DeRisk.Alerts;

public sealed record EvaluationResult(int Subscribers, int Rules, int Met, int NoData, int Fired, int Repeated, int Resolved, int Conflicts);

/// <summary>
/// Evaluates every subscriber's rules against the tick's market view, shard by shard. For a rule that starts
/// firing it queues the notification first and then writes the state with an ETag: a crash in between re-queues
/// the same notification id on the next tick, which the dispatcher drops; a concurrent tick loses the ETag race.
/// </summary>
public sealed class Evaluator(
    SubscriberStore subscribers,
    AlertStateStore states,
    INotificationQueue queue,
    ILogger<Evaluator> logger)
{
    public async Task<EvaluationResult> EvaluateAsync(MarketView market, CancellationToken cancellationToken)
    {
        int subscriberCount = 0, ruleCount = 0, met = 0, noData = 0, fired = 0, repeated = 0, resolved = 0, conflicts = 0;
        foreach (var shard in subscribers.Shards)
        {
            Dictionary<string, AlertState>? shardStates = null;
            await foreach (var entry in subscribers.ScanShardAsync(shard, cancellationToken).ConfigureAwait(false))
            {
                subscriberCount++;
                if (entry.Rules.Count == 0)
                {
                    continue;
                }

                shardStates ??= await states.ReadShardAsync(shard, cancellationToken).ConfigureAwait(false);
                foreach (var rule in entry.Rules)
                {
                    ruleCount++;
                    var verdict = RuleEvaluator.Evaluate(rule.Spec, market);
                    if (verdict.Kind == VerdictKind.NoData)
                    {
                        noData++;
                        AlertLog.NoData(logger, entry.Subscriber.Id, rule.Id, verdict.NoDataReason!);
                    }
                    else if (verdict.Kind == VerdictKind.Met)
                    {
                        met++;
                    }

                    var current = shardStates.GetValueOrDefault(AlertStateStore.Key(entry.Subscriber.Id, rule.Id))
                        ?? AlertState.Initial(entry.Subscriber.Id, rule.Id);
                    var transition = AlertLifecycle.Next(current, rule.Spec, verdict, market.Now);
                    var (next, notificationId, text) = transition switch
                    {
                        Transition.Fire t => (t.Next, Notification.IdFor(entry.Subscriber.Id, rule.Id, t.Next.Episode), AlertMessageRenderer.Sms(rule.Spec, market)),
                        Transition.Repeat t => (t.Next, Notification.IdFor(entry.Subscriber.Id, rule.Id, t.Next.Episode) + "-r" + t.Next.Repeats.ToString(CultureInfo.InvariantCulture), AlertMessageRenderer.Sms(rule.Spec, market)),
                        Transition.Resolve { AllClear: true } t => (t.Next, Notification.IdFor(entry.Subscriber.Id, rule.Id, t.Next.Episode) + "-clear", AlertMessageRenderer.AllClear(rule.Spec, market)),
                        Transition.Resolve t => (t.Next, null, null),
                        Transition.Pend t => (t.Next, null, null),
                        Transition.Cancel t => (t.Next, null, null),
                        _ => ((AlertState?)null, (string?)null, (string?)null),
                    };
                    if (next is null)
                    {
                        continue;
                    }

                    // Queue first, then write the state: a crash in between re-queues the same id next tick.
                    if (notificationId is not null)
                    {
                        var notification = new Notification(notificationId, entry.Subscriber.Id, rule.Id, next.Episode, Notification.SmsChannel, text!, market.Now);
                        await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), cancellationToken).ConfigureAwait(false);
                    }

                    if (!await states.TryWriteAsync(shard, next, cancellationToken).ConfigureAwait(false))
                    {
                        conflicts++;
                        continue;
                    }

                    switch (transition)
                    {
                        case Transition.Fire:
                            fired++;
                            AlertLog.Fired(logger, entry.Subscriber.Id, rule.Id, next.Episode, verdict.Observed, verdict.Threshold);
                            break;
                        case Transition.Repeat:
                            repeated++;
                            break;
                        case Transition.Resolve:
                            resolved++;
                            AlertLog.Resolved(logger, entry.Subscriber.Id, rule.Id, next.Episode);
                            break;
                    }
                }
            }
        }

        return new EvaluationResult(subscriberCount, ruleCount, met, noData, fired, repeated, resolved, conflicts);
    }
}

internal static partial class AlertLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Alert fired: subscriber {SubscriberId} rule {RuleId} episode {Episode} ({Observed:0.00} against {Threshold:0.00})")]
    public static partial void Fired(ILogger logger, string subscriberId, string ruleId, int episode, double observed, double threshold);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Alert resolved: subscriber {SubscriberId} rule {RuleId} episode {Episode}")]
    public static partial void Resolved(ILogger logger, string subscriberId, string ruleId, int episode);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "No data for subscriber {SubscriberId} rule {RuleId}: {Reason}")]
    public static partial void NoData(ILogger logger, string subscriberId, string ruleId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Tick at {Now:O}: {Subscribers} subscribers, {Rules} rules, {Met} met, {NoData} without data, {Fired} fired, {Resolved} resolved")]
    public static partial void Tick(ILogger logger, DateTimeOffset now, int subscribers, int rules, int met, int noData, int fired, int resolved);
}
