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

    [Fact]
    public async Task A_message_scheduled_less_than_a_wall_second_ahead_in_a_fast_replay_is_still_hidden_until_due()
    {
        // 5 replayed hours at 43,200x are 0.42 s of wall time: Azure Queues would round that delay down to none.
        var replay = new DeRisk.Market.ReplayClock(new DateTimeOffset(2022, 6, 14, 0, 1, 0, TimeSpan.Zero), 43_200);
        var service = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = new StorageNotificationQueue(service, Options.Create(new NotificationQueueOptions()), Options.Create(new StorageOptions { TablePrefix = AzuriteFixture.NewPrefix() }), replay);
        await queue.EnsureCreatedAsync(default);

        await queue.SendAsync(new OutgoingMessage("quiet", BinaryData.FromString("x"), replay.GetUtcNow().AddHours(5)), default);

        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
    }
}
