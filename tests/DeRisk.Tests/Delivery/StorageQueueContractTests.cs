using Azure.Storage.Queues;
using DeRisk.Delivery;
using DeRisk.Storage;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DeRisk.Tests.Delivery;

/// <summary>The contract on the Storage queue adapter, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueContractTests(AzuriteFixture azurite) : NotificationQueueContract
{
    protected override async Task<INotificationQueue> CreateQueueAsync()
    {
        var service = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = new StorageNotificationQueue(service, Options.Create(new NotificationQueueOptions()), Options.Create(new StorageOptions { TablePrefix = AzuriteFixture.NewPrefix() }), Time);
        await queue.EnsureCreatedAsync(default);
        return queue;
    }

    [Fact]
    public async Task Envelope_keeps_the_enqueued_time_of_the_app_clock()
    {
        await Queue.SendAsync(new OutgoingMessage("n-5", BinaryData.FromString("x")), default);

        Assert.Equal(Time.GetUtcNow(), Assert.Single(await Queue.ReceiveAsync(1, Lock, default)).EnqueuedTime);
    }
}
