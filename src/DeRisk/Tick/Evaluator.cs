using DeRisk.Market;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;

namespace DeRisk.Tick;

/// <summary>
/// The single-instance tick: every shard through the <see cref="ShardEvaluator"/>, a few shards at a time
/// (Tick:ShardConcurrency), the results summed. The fan-out tick runs the same shard evaluator, one queue message per shard.
/// </summary>
public sealed class Evaluator(ShardEvaluator shards, SubscriberStore subscribers, Microsoft.Extensions.Options.IOptions<TickOptions> options)
{
    public async Task<EvaluationResult> EvaluateAsync(MarketView market, CancellationToken cancellationToken)
    {
        var results = new System.Collections.Concurrent.ConcurrentBag<EvaluationResult>();
        await Parallel.ForEachAsync(subscribers.Shards, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ShardConcurrency, CancellationToken = cancellationToken }, async (shard, token) =>
            results.Add(await shards.EvaluateAsync(shard, market, token).ConfigureAwait(false))).ConfigureAwait(false);
        return results.Aggregate(EvaluationResult.Empty, (sum, next) => sum + next);
    }
}

internal static partial class AlertLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Alert fired: subscriber {SubscriberId} rule {RuleId} episode {Episode} (observed {Observed:0.00})")]
    public static partial void Fired(ILogger logger, string subscriberId, string ruleId, int episode, double observed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Alert resolved: subscriber {SubscriberId} rule {RuleId} episode {Episode}")]
    public static partial void Resolved(ILogger logger, string subscriberId, string ruleId, int episode);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "No data for subscriber {SubscriberId} rule {RuleId}: {Reason}")]
    public static partial void NoData(ILogger logger, string subscriberId, string ruleId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Tick at {Now:O}: {Subscribers} subscribers, {Rules} rules, {Met} met, {NoData} without data, {Fired} fired, {Resolved} resolved, {Notifications} queued")]
    public static partial void Tick(ILogger logger, DateTimeOffset now, int subscribers, int rules, int met, int noData, int fired, int resolved, int notifications);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Daily cap reached for subscriber {SubscriberId}: {Capped} message(s) not sent")]
    public static partial void Capped(ILogger logger, string subscriberId, int capped);
}
