using DeRisk.Market;
using Microsoft.Extensions.Logging;

namespace DeRisk.Alerts;

public sealed record TickResult(MarketSnapshot Snapshot, EvaluationResult Evaluation);

/// <summary>One market tick: poll and store the snapshot, then evaluate every rule against it.</summary>
public sealed class MarketTick(MarketPoller poller, MarketViewLoader views, Evaluator evaluator, MarketStore store, TimeProvider time, ILogger<MarketTick> logger)
{
    public async Task<TickResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var snapshot = await poller.PollAsync(cancellationToken).ConfigureAwait(false);
        var view = await views.LoadAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var result = await evaluator.EvaluateAsync(view, cancellationToken).ConfigureAwait(false);
        var took = time.GetElapsedTime(started);
        await store.SaveTickAsync(new TickSummary(time.GetUtcNow() - took, took, result.Subscribers, result.Notifications), cancellationToken).ConfigureAwait(false);
        AlertLog.Tick(logger, snapshot.TakenAt, result.Subscribers, result.Rules, result.Met, result.NoData, result.Fired, result.Resolved, result.Notifications);
        return new TickResult(snapshot, result);
    }
}
