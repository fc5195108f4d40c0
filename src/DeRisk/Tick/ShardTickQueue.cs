using Azure.Storage.Queues;
using DeRisk.Storage;
using Microsoft.Extensions.Options;

namespace DeRisk.Tick;

/// <summary>The Storage queue the fan-out tick writes and the EvaluateShard function reads (base64, as the queue trigger expects).</summary>
public sealed class ShardTickQueue(QueueServiceClient service, IOptions<TickOptions> options) : IStorageResource
{
    public QueueClient Queue { get; } = service.GetQueueClient(options.Value.ShardQueueName);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task SendAsync(ShardTickMessage message, CancellationToken cancellationToken) =>
        await Queue.SendMessageAsync(message.ToJson(), cancellationToken: cancellationToken).ConfigureAwait(false);
}
