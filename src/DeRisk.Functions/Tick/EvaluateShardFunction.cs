using DeRisk.Tick;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Tick;

/// <summary>
/// Fan-out mode (Tick:Mode=FanOut): evaluates one shard per queue message. Azure Functions scales the instances
/// with the queue; a failed message is retried and, after the host's maxDequeueCount, moved to "&lt;queue&gt;-poison".
/// </summary>
public sealed class EvaluateShardFunction(ShardTickService shards)
{
    [Function("EvaluateShard")]
    public Task RunAsync([QueueTrigger("%ShardQueueName%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        shards.RunAsync(message, cancellationToken);
}
