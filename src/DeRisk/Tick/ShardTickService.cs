using DeRisk.Market;
using Microsoft.Extensions.Logging;

namespace DeRisk.Tick;

/// <summary>
/// Evaluates one shard from a queue message: loads the snapshot the tick stored (so every shard sees the same market),
/// builds the view and runs the <see cref="ShardEvaluator"/>. A redelivered message evaluates again: the alert states
/// written the first time make it plan nothing new.
/// </summary>
public sealed class ShardTickService(MarketStore market, MarketViewLoader views, ShardEvaluator evaluator, ILogger<ShardTickService> logger)
{
    public async Task<EvaluationResult> RunAsync(string messageText, CancellationToken cancellationToken)
    {
        var message = ShardTickMessage.Parse(messageText) ?? throw new FormatException("Not a shard tick message.");
        var snapshot = await market.SnapshotAtAsync(message.SnapshotAt, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The snapshot taken at {message.SnapshotAt:O} is not stored.");
        var view = await views.LoadAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var result = await evaluator.EvaluateAsync(message.Shard, view, cancellationToken).ConfigureAwait(false);
        TickLog.Shard(logger, message.Shard, message.SnapshotAt, result.Subscribers, result.Fired, result.Notifications);
        return result;
    }

}
