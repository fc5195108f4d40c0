using DeRisk.Market;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;

namespace DeRisk.Tick;

/// <summary>
/// One market tick: poll and store the snapshot, then evaluate every rule against it — here (single instance), or by
/// queueing one message per shard for the EvaluateShard function (fan-out), as Tick:Mode says. A backfill that is due
/// (the first tick, the first of a UTC day) runs before, as its own step: the tick's duration starts after it.
/// </summary>
public sealed class MarketTick(
    MarketBackfill backfill,
    MarketPoller poller,
    MarketViewLoader views,
    Evaluator evaluator,
    MarketStore store,
    SubscriberStore subscribers,
    ShardTickQueue shardQueue,
    Microsoft.Extensions.Options.IOptions<TickOptions> options,
    TimeProvider time,
    ILogger<MarketTick> logger)
{
    public async Task<TickResult> RunAsync(CancellationToken cancellationToken)
    {
        await backfill.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var snapshot = await poller.PollAsync(cancellationToken).ConfigureAwait(false);
        if (options.Value.Mode == TickMode.FanOut)
        {
            var shards = 0;
            foreach (var shard in subscribers.Shards)
            {
                await shardQueue.SendAsync(new ShardTickMessage(shard, snapshot.TakenAt), cancellationToken).ConfigureAwait(false);
                shards++;
            }

            await store.SaveTickAsync(new TickSummary(time.GetUtcNow() - time.GetElapsedTime(started), time.GetElapsedTime(started), 0, 0), cancellationToken).ConfigureAwait(false);
            return new TickResult(snapshot, EvaluationResult.Empty, shards);
        }

        var view = await views.LoadAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var result = await evaluator.EvaluateAsync(view, cancellationToken).ConfigureAwait(false);
        var took = time.GetElapsedTime(started);
        await store.SaveTickAsync(new TickSummary(time.GetUtcNow() - took, took, result.Subscribers, result.Notifications), cancellationToken).ConfigureAwait(false);
        TickLog.Tick(logger, snapshot.TakenAt, result.Subscribers, result.Rules, result.Met, result.NoData, result.Fired, result.Resolved, result.Notifications);
        return new TickResult(snapshot, result);
    }
}
