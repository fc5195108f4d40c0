using Azure.Storage.Queues;
using DeRisk.Delivery;
using DeRisk.Storage;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Delivery;

/// <summary>The notification queue port's peek-lock contract, on the Storage queue adapter against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueContractTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2022, 5, 10, 0, 0, 0, TimeSpan.Zero));
    private StorageNotificationQueue _queue = null!;

    public async Task InitializeAsync()
    {
        var service = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        _queue = new StorageNotificationQueue(service, Options.Create(new NotificationQueueOptions()), Options.Create(new StorageOptions { TablePrefix = AzuriteFixture.NewPrefix() }), _time);
        await _queue.EnsureCreatedAsync(default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sent_message_arrives_once_with_its_id_body_and_delivery_count_and_complete_removes_it()
    {
        await _queue.SendAsync(new OutgoingMessage("n-1", BinaryData.FromString("""{"a":1}""")), default);

        var received = Assert.Single(await _queue.ReceiveAsync(10, Lock, default));
        Assert.Equal(("n-1", """{"a":1}""", 1), (received.MessageId, received.Body.ToString(), received.DeliveryCount));
        Assert.Equal(_time.GetUtcNow(), received.EnqueuedTime);
        Assert.Empty(await _queue.ReceiveAsync(10, Lock, default));

        await _queue.CompleteAsync(received, default);
        await Assert.ThrowsAsync<MessageLockLostException>(() => _queue.AbandonAsync(received, default));
    }

    [Fact]
    public async Task Abandoned_message_comes_back_with_a_higher_delivery_count()
    {
        await _queue.SendAsync(new OutgoingMessage("n-2", BinaryData.FromString("x")), default);
        var first = Assert.Single(await _queue.ReceiveAsync(1, Lock, default));

        await _queue.AbandonAsync(first, default);

        var second = Assert.Single(await _queue.ReceiveAsync(1, Lock, default));
        Assert.Equal(("n-2", 2), (second.MessageId, second.DeliveryCount));
        await Assert.ThrowsAsync<MessageLockLostException>(() => _queue.CompleteAsync(first, default));
        await _queue.CompleteAsync(second, default);
    }

    [Fact]
    public async Task Dead_lettered_message_leaves_the_queue_with_its_reason_and_description()
    {
        await _queue.SendAsync(new OutgoingMessage("n-3", BinaryData.FromString("body")), default);
        var received = Assert.Single(await _queue.ReceiveAsync(1, Lock, default));

        await _queue.DeadLetterAsync(received, "Twilio21211", "Invalid 'To' Phone Number", default);

        Assert.Empty(await _queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), default));
        var dead = Assert.Single(await _queue.PeekDeadLettersAsync(10, default));
        Assert.Equal(("n-3", "body", "Twilio21211", "Invalid 'To' Phone Number"), (dead.MessageId, dead.Body.ToString(), dead.Reason, dead.Description));
    }

    [Fact]
    public async Task Scheduled_message_is_not_delivered_before_its_time()
    {
        await _queue.SendAsync(new OutgoingMessage("n-4", BinaryData.FromString("later"), _time.GetUtcNow().AddHours(1)), default);

        Assert.Empty(await _queue.ReceiveAsync(10, Lock, default));
    }
}
