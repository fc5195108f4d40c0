using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>
/// The notification queue on Azure Service Bus (queues "notifications" and "notifications-critical", the critical
/// lane received first): MessageId is the notification id, so the queue's duplicate detection drops a repeat within
/// its window; ScheduledEnqueueTime defers; peek-lock settlement maps one to one, on the lane the message came from.
/// The lock duration is the queue's own setting (infra/main.bicep), so the port's lock argument is not used here.
/// </summary>
public sealed class ServiceBusNotificationQueue(
    ServiceBusLane normal,
    ServiceBusLane critical,
    IOptions<ServiceBusOptions> options,
    TimeProvider time,
    Azure.Messaging.ServiceBus.Administration.ServiceBusAdministrationClient? administration = null)
    : INotificationQueue
{
    /// <summary>The queue's runtime counts (needs the Service Bus Data Owner role or a Manage key); unknown without an administration client.</summary>
    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        if (administration is null)
        {
            return new QueueDepth(null, null);
        }

        long waiting = 0, dead = 0;
        foreach (var lane in new[] { normal, critical })
        {
            var properties = (await administration.GetQueueRuntimePropertiesAsync(lane.Sender.EntityPath, cancellationToken).ConfigureAwait(false)).Value;
            waiting += properties.ActiveMessageCount + properties.ScheduledMessageCount;
            dead += properties.DeadLetterMessageCount;
        }

        return new QueueDepth(waiting, dead);
    }

    private readonly ConcurrentDictionary<string, (ServiceBusReceivedMessage Message, ServiceBusLane Lane)> _locked = new(StringComparer.Ordinal);

    /// <summary>Application properties of a rescheduled copy: the notification id and the deliveries before it.</summary>
    public const string NotificationIdProperty = "NotificationId";
    public const string PriorDeliveriesProperty = "PriorDeliveries";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        await (message.Critical ? critical : normal).Sender.SendMessageAsync(ToServiceBus(message), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// One ServiceBusMessageBatch after another per lane, each as full as the namespace allows. A batch is all or
    /// nothing; one that fails is retried by the SDK's retry policy, and duplicate detection drops what had arrived.
    /// </summary>
    public async Task SendManyAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var (lane, group) in new[] { (critical, messages.Where(m => m.Critical)), (normal, messages.Where(m => !m.Critical)) })
        {
            ServiceBusMessageBatch? batch = null;
            try
            {
                foreach (var message in group)
                {
                    var outgoing = ToServiceBus(message);
                    batch ??= await lane.Sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                    if (batch.TryAddMessage(outgoing))
                    {
                        continue;
                    }

                    if (batch.Count == 0)
                    {
                        throw new InvalidOperationException($"Notification {message.MessageId} is larger than a Service Bus batch may hold.");
                    }

                    await lane.Sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Dispose();
                    batch = await lane.Sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                    if (!batch.TryAddMessage(outgoing))
                    {
                        throw new InvalidOperationException($"Notification {message.MessageId} is larger than a Service Bus batch may hold.");
                    }
                }

                if (batch is { Count: > 0 })
                {
                    await lane.Sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                batch?.Dispose();
            }
        }
    }

    private static ServiceBusMessage ToServiceBus(OutgoingMessage message)
    {
        var outgoing = new ServiceBusMessage(message.Body) { MessageId = message.MessageId, ContentType = "application/json" };
        if (message.ScheduledEnqueueTime is { } at)
        {
            outgoing.ScheduledEnqueueTime = at;
        }

        return outgoing;
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        var result = new List<ReceivedMessage>(maxMessages);
        foreach (var lane in new[] { critical, normal })
        {
            if (result.Count == maxMessages)
            {
                break;
            }

            // The critical lane is only peeked at (no wait when it is empty); the normal lane waits as configured.
            var wait = ReferenceEquals(lane, critical) ? TimeSpan.FromMilliseconds(50) : options.Value.ReceiveWait;
            var received = await lane.Receiver.ReceiveMessagesAsync(maxMessages - result.Count, wait, cancellationToken).ConfigureAwait(false);
            foreach (var message in received)
            {
                _locked[message.LockToken] = (message, lane);
                var notificationId = message.ApplicationProperties.TryGetValue(NotificationIdProperty, out var id) && id is string text ? text : message.MessageId;
                var prior = message.ApplicationProperties.TryGetValue(PriorDeliveriesProperty, out var count) && count is int n ? n : 0;
                result.Add(new ReceivedMessage(notificationId, message.Body, prior + message.DeliveryCount, message.EnqueuedTime, message.LockToken, ReferenceEquals(lane, critical)));
            }
        }

        return result;
    }

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, (m, lane) => lane.Receiver.CompleteMessageAsync(m, cancellationToken));

    public Task AbandonAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, (m, lane) => lane.Receiver.AbandonMessageAsync(m, cancellationToken: cancellationToken));

    /// <summary>
    /// Service Bus cannot delay an abandoned message, so this schedules a copy (its own MessageId, so duplicate
    /// detection keeps it; the notification id and the delivery count ride along as properties) and then completes
    /// the original. A crash between the two leaves two copies, which the dispatcher's delivery record reduces to one send.
    /// </summary>
    public async Task RetryLaterAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!_locked.TryGetValue(message.LockToken, out var held))
        {
            throw new MessageLockLostException(message.MessageId, new InvalidOperationException("This receiver holds no lock with that token."));
        }

        var locked = held.Message;
        var copy = new ServiceBusMessage(locked.Body) { MessageId = $"{message.MessageId}~{message.DeliveryCount}", ContentType = locked.ContentType };
        copy.ApplicationProperties[NotificationIdProperty] = message.MessageId;
        copy.ApplicationProperties[PriorDeliveriesProperty] = message.DeliveryCount;
        if (delay > TimeSpan.Zero)
        {
            copy.ScheduledEnqueueTime = time.GetUtcNow() + delay;
        }

        await held.Lane.Sender.SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
        await CompleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken) =>
        SettleAsync(message, (m, lane) => lane.Receiver.DeadLetterMessageAsync(m, reason, description, cancellationToken));

    /// <summary>Both lanes' dead letters, critical first.</summary>
    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var result = new List<DeadLetteredMessage>();
        foreach (var lane in new[] { critical, normal })
        {
            var peeked = await lane.DeadLetters.PeekMessagesAsync(maxMessages - result.Count, cancellationToken: cancellationToken).ConfigureAwait(false);
            result.AddRange(peeked.Select(m => new DeadLetteredMessage(m.MessageId, m.Body, m.DeadLetterReason ?? "", m.DeadLetterErrorDescription ?? "")));
            if (result.Count >= maxMessages)
            {
                break;
            }
        }

        return result;
    }

    private async Task SettleAsync(ReceivedMessage message, Func<ServiceBusReceivedMessage, ServiceBusLane, Task> settle)
    {
        if (!_locked.TryRemove(message.LockToken, out var locked))
        {
            throw new MessageLockLostException(message.MessageId, new InvalidOperationException("This receiver holds no lock with that token."));
        }

        try
        {
            await settle(locked.Message, locked.Lane).ConfigureAwait(false);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            throw new MessageLockLostException(message.MessageId, ex);
        }
    }
}
