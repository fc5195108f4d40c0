using DeRisk.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Delivery;

/// <summary>
/// The peek-lock contract every notification queue adapter keeps: the same tests run on the Storage queue (for real,
/// on Azurite) and on Service Bus (its SDK clients through Moq and ServiceBusModelFactory).
/// </summary>
public abstract class NotificationQueueContract : IAsyncLifetime
{
    protected static readonly TimeSpan Lock = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2022, 5, 10, 0, 0, 0, TimeSpan.Zero));

    protected INotificationQueue Queue { get; private set; } = null!;

    public async Task InitializeAsync() => Queue = await CreateQueueAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<INotificationQueue> CreateQueueAsync();

    [Fact]
    public async Task Sent_message_arrives_once_with_its_id_body_and_delivery_count_and_complete_removes_it()
    {
        await Queue.SendAsync(new OutgoingMessage("n-1", BinaryData.FromString("""{"a":1}""")), default);

        var received = Assert.Single(await Queue.ReceiveAsync(10, Lock, default));
        Assert.Equal(("n-1", """{"a":1}""", 1), (received.MessageId, received.Body.ToString(), received.DeliveryCount));
        Assert.Empty(await Queue.ReceiveAsync(10, Lock, default));

        await Queue.CompleteAsync(received, default);
        await Assert.ThrowsAsync<MessageLockLostException>(() => Queue.AbandonAsync(received, default));
        Assert.Empty(await Queue.ReceiveAsync(10, Lock, default));
    }

    [Fact]
    public async Task Critical_messages_are_received_before_every_other_and_settle_in_their_lane()
    {
        for (var i = 0; i < 5; i++)
        {
            await Queue.SendAsync(new OutgoingMessage($"calm-{i}", BinaryData.FromString("calm")), default);
        }

        await Queue.SendAsync(new OutgoingMessage("depeg-1", BinaryData.FromString("critical"), Critical: true), default);
        await Queue.SendAsync(new OutgoingMessage("depeg-2", BinaryData.FromString("critical"), Critical: true), default);

        var first = await Queue.ReceiveAsync(3, Lock, default);

        Assert.Equal(["depeg-1", "depeg-2"], first.Take(2).Select(m => m.MessageId).Order());
        Assert.StartsWith("calm-", first[2].MessageId, StringComparison.Ordinal);
        await Queue.AbandonAsync(first[0], default);
        await Queue.CompleteAsync(first[1], default);
        await Queue.DeadLetterAsync(first[2], "Test", "settled in its own lane", default);
        var again = await Queue.ReceiveAsync(1, Lock, default);
        Assert.Equal((first[0].MessageId, 2), (again.Single().MessageId, again.Single().DeliveryCount));
    }

    [Fact]
    public async Task Sending_many_delivers_each_once_with_its_id_critical_first()
    {
        var messages = Enumerable.Range(0, 120).Select(i => new OutgoingMessage($"m-{i}", BinaryData.FromString(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Critical: i % 40 == 7)).ToList();

        await Queue.SendManyAsync(messages, default);

        var received = new List<ReceivedMessage>();
        for (var round = 0; round < 10 && received.Count < messages.Count; round++)
        {
            var batch = await Queue.ReceiveAsync(32, Lock, default);
            received.AddRange(batch);
            foreach (var message in batch)
            {
                await Queue.CompleteAsync(message, default);
            }
        }

        Assert.Equal(messages.Select(m => m.MessageId).Order(), received.Select(m => m.MessageId).Order());
        Assert.Equal(new[] { "m-47", "m-7", "m-87" }, received.Take(3).Select(m => m.MessageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Abandoned_message_comes_back_with_a_higher_delivery_count()
    {
        await Queue.SendAsync(new OutgoingMessage("n-2", BinaryData.FromString("x")), default);
        var first = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));

        await Queue.AbandonAsync(first, default);

        var second = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));
        Assert.Equal(("n-2", 2), (second.MessageId, second.DeliveryCount));
        await Assert.ThrowsAsync<MessageLockLostException>(() => Queue.CompleteAsync(first, default));
        await Queue.CompleteAsync(second, default);
    }

    [Fact]
    public async Task Retry_later_hides_the_message_for_the_delay_and_carries_its_delivery_count()
    {
        await Queue.SendAsync(new OutgoingMessage("n-6", BinaryData.FromString("again")), default);
        var first = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));

        await Queue.RetryLaterAsync(first, TimeSpan.Zero, default);
        var second = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));
        await Queue.RetryLaterAsync(second, TimeSpan.FromHours(1), default);

        Assert.Equal(("n-6", "again", 2), (second.MessageId, second.Body.ToString(), second.DeliveryCount));
        Assert.Empty(await Queue.ReceiveAsync(1, Lock, default));
        await Assert.ThrowsAsync<MessageLockLostException>(() => Queue.CompleteAsync(second, default));
    }

    [Fact]
    public async Task Dead_lettered_message_leaves_the_queue_with_its_reason_and_description()
    {
        await Queue.SendAsync(new OutgoingMessage("n-3", BinaryData.FromString("body")), default);
        var received = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));

        await Queue.DeadLetterAsync(received, "Twilio21211", "Invalid 'To' Phone Number", default);

        Assert.Empty(await Queue.ReceiveAsync(1, Lock, default));
        var dead = Assert.Single(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal(("n-3", "body", "Twilio21211", "Invalid 'To' Phone Number"), (dead.MessageId, dead.Body.ToString(), dead.Reason, dead.Description));
    }

    [Fact]
    public async Task Scheduled_message_is_not_delivered_before_its_time()
    {
        await Queue.SendAsync(new OutgoingMessage("n-4", BinaryData.FromString("later"), Time.GetUtcNow().AddHours(1)), default);

        Assert.Empty(await Queue.ReceiveAsync(10, Lock, default));
    }
}
