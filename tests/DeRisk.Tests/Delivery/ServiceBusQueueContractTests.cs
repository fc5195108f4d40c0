using Azure.Messaging.ServiceBus;
using DeRisk.Delivery;
using Microsoft.Extensions.Options;
using Moq;

namespace DeRisk.Tests.Delivery;

/// <summary>
/// The contract on the Service Bus adapter. The SDK's sender and receivers are mocked with Moq, as the Azure SDK
/// recommends, over a small in-memory broker that keeps Service Bus's rules (locks, delivery counts, scheduled
/// enqueue, dead-letter reason and description in the message's properties) and builds received messages with
/// ServiceBusModelFactory.
/// </summary>
public sealed class ServiceBusQueueContractTests : NotificationQueueContract
{
    private Broker _normal = null!;
    private Broker _critical = null!;

    protected override Task<INotificationQueue> CreateQueueAsync()
    {
        _normal = new Broker(Time);
        _critical = new Broker(Time);
        return Task.FromResult<INotificationQueue>(new ServiceBusNotificationQueue(_normal.Lane(), _critical.Lane(), Options.Create(new ServiceBusOptions()), Time));
    }

    [Fact]
    public async Task The_notification_id_is_the_service_bus_message_id_for_duplicate_detection()
    {
        await Queue.SendAsync(new OutgoingMessage("sub-rule-1", BinaryData.FromString("{}"), Time.GetUtcNow().AddHours(2)), default);

        var sent = Assert.Single(_normal.Sent);
        Assert.Equal(("sub-rule-1", "application/json", Time.GetUtcNow().AddHours(2)), (sent.MessageId, sent.ContentType, sent.ScheduledEnqueueTime));
    }

    [Fact]
    public async Task A_critical_message_goes_to_its_own_queue_and_its_retry_stays_there()
    {
        await Queue.SendAsync(new OutgoingMessage("depeg-1", BinaryData.FromString("{}"), Critical: true), default);
        var received = Assert.Single(await Queue.ReceiveAsync(1, Lock, default));
        await Queue.RetryLaterAsync(received, TimeSpan.Zero, default);

        Assert.Empty(_normal.Sent);
        Assert.Equal(["depeg-1", "depeg-1~1"], _critical.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Many_notifications_go_in_message_batches_per_lane_each_keeping_its_id()
    {
        var messages = Enumerable.Range(0, 250).Select(i => new OutgoingMessage($"n-{i}", BinaryData.FromString("{}"), Critical: i % 50 == 0)).ToList();

        await Queue.SendManyAsync(messages, default);

        Assert.Equal((3, 1), (_normal.SendCalls, _critical.SendCalls));
        Assert.Equal(messages.Where(m => !m.Critical).Select(m => m.MessageId), _normal.Sent.Select(m => m.MessageId));
        Assert.Equal(messages.Where(m => m.Critical).Select(m => m.MessageId), _critical.Sent.Select(m => m.MessageId));
    }

    /// <summary>
    /// One Service Bus queue in memory, keeping its rules (locks, delivery counts, scheduled enqueue, dead-letter reason
    /// and description in the message's properties), reached through Moq'd SDK clients.
    /// </summary>
    private sealed class Broker(Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
    {
        private readonly List<Entry> _active = [];
        private readonly List<ServiceBusReceivedMessage> _dead = [];

        /// <summary>Messages a batch holds at most here (Service Bus counts bytes; the rule is the same).</summary>
        public const int BatchLimit = 100;

        private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _batches = [];

        public List<ServiceBusMessage> Sent { get; } = [];

        /// <summary>Calls that reached the broker: single sends and batch sends.</summary>
        public int SendCalls { get; private set; }

        public ServiceBusLane Lane()
        {
            var sender = new Mock<ServiceBusSender>();
            sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
                .Callback<ServiceBusMessage, CancellationToken>((m, _) =>
                {
                    SendCalls++;
                    Enqueue(m);
                })
                .Returns(Task.CompletedTask);
            sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>()))
                .Returns(() =>
                {
                    var store = new List<ServiceBusMessage>();
                    var batch = ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, store, tryAddCallback: _ => store.Count < BatchLimit);
                    _batches[batch] = store;
                    return ValueTask.FromResult(batch);
                });
            sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
                .Callback<ServiceBusMessageBatch, CancellationToken>((batch, _) =>
                {
                    SendCalls++;
                    _batches[batch].ForEach(Enqueue);
                })
                .Returns(Task.CompletedTask);

            var receiver = new Mock<ServiceBusReceiver>();
            receiver.Setup(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((int max, TimeSpan? _, CancellationToken _) => Receive(max));
            receiver.Setup(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()))
                .Returns((ServiceBusReceivedMessage m, CancellationToken _) => Settle(m, entry => _active.Remove(entry)));
            receiver.Setup(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()))
                .Returns((ServiceBusReceivedMessage m, IDictionary<string, object> _, CancellationToken _) => Settle(m, entry => entry.LockToken = null));
            receiver.Setup(r => r.DeadLetterMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
                .Returns((ServiceBusReceivedMessage m, string reason, string description, CancellationToken _) => Settle(m, entry =>
                {
                    _active.Remove(entry);
                    _dead.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(body: entry.Body, messageId: entry.MessageId, deliveryCount: entry.DeliveryCount,
                        properties: new Dictionary<string, object> { ["DeadLetterReason"] = reason, ["DeadLetterErrorDescription"] = description }));
                }));

            var deadLetters = new Mock<ServiceBusReceiver>();
            deadLetters.Setup(r => r.PeekMessagesAsync(It.IsAny<int>(), It.IsAny<long?>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((int max, long? _, CancellationToken _) => _dead.Take(max).ToList());
            return new ServiceBusLane(sender.Object, receiver.Object, deadLetters.Object);
        }

        private void Enqueue(ServiceBusMessage message)
        {
            Sent.Add(message);
            _active.Add(new Entry(message.MessageId, message.Body, time.GetUtcNow(), message.ScheduledEnqueueTime, new Dictionary<string, object>(message.ApplicationProperties)));
        }

        private List<ServiceBusReceivedMessage> Receive(int max)
        {
            var now = time.GetUtcNow();
            var batch = new List<ServiceBusReceivedMessage>();
            foreach (var entry in _active.Where(e => e.LockToken is null && (e.ScheduledAt is not { } at || at == default || at <= now)).Take(max))
            {
                entry.DeliveryCount++;
                entry.LockToken = Guid.NewGuid();
                batch.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(body: entry.Body, messageId: entry.MessageId, lockTokenGuid: entry.LockToken.Value,
                    deliveryCount: entry.DeliveryCount, enqueuedTime: entry.EnqueuedAt, properties: entry.Properties));
            }

            return batch;
        }

        /// <summary>Settles only under the current lock, as Service Bus does; otherwise MessageLockLost.</summary>
        private Task Settle(ServiceBusReceivedMessage message, Action<Entry> settle)
        {
            var entry = _active.FirstOrDefault(e => e.LockToken?.ToString() == message.LockToken);
            if (entry is null)
            {
                return Task.FromException(new ServiceBusException("The lock supplied is invalid.", ServiceBusFailureReason.MessageLockLost));
            }

            settle(entry);
            return Task.CompletedTask;
        }
    }

    private sealed class Entry(string messageId, BinaryData body, DateTimeOffset enqueuedAt, DateTimeOffset? scheduledAt, IDictionary<string, object> properties)
    {
        public IDictionary<string, object> Properties { get; } = properties;

        public string MessageId { get; } = messageId;

        public BinaryData Body { get; } = body;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        public DateTimeOffset? ScheduledAt { get; } = scheduledAt;

        public int DeliveryCount { get; set; }

        public Guid? LockToken { get; set; }
    }
}
