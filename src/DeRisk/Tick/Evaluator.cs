using DeRisk.Market;
using DeRisk.Subscribers;

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
