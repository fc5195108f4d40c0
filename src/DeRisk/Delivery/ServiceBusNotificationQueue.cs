using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>Service Bus, chosen when a connection string or a namespace (managed identity) is set.</summary>
public sealed class ServiceBusOptions : IValidatableObject
{
    public const string Section = "ServiceBus";

    /// <summary>Local or key-based access; in Azure prefer <see cref="FullyQualifiedNamespace"/> with managed identity.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. "derisk-sb.servicebus.windows.net", reached with DefaultAzureCredential.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>How long a receive waits for the first message when the queue is empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReceiveWait { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString) && !string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return new ValidationResult("Set ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace, not both.", [nameof(ConnectionString), nameof(FullyQualifiedNamespace)]);
        }
    }
}

/// <summary>
/// The notification queue on Azure Service Bus (queue "notifications"): MessageId is the notification id, so the
/// queue's duplicate detection drops a repeat within its window; ScheduledEnqueueTime defers; peek-lock settlement
/// maps one to one. The lock duration is the queue's own setting (infra/main.bicep), so the port's lock argument is
/// not used here.
/// </summary>
public sealed class ServiceBusNotificationQueue(
    ServiceBusSender sender,
    ServiceBusReceiver receiver,
    ServiceBusReceiver deadLetters,
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

        var properties = (await administration.GetQueueRuntimePropertiesAsync(sender.EntityPath, cancellationToken).ConfigureAwait(false)).Value;
        return new QueueDepth(properties.ActiveMessageCount + properties.ScheduledMessageCount, properties.DeadLetterMessageCount);
    }

    private readonly ConcurrentDictionary<string, ServiceBusReceivedMessage> _locked = new(StringComparer.Ordinal);

    /// <summary>Application properties of a rescheduled copy: the notification id and the deliveries before it.</summary>
    public const string NotificationIdProperty = "NotificationId";
    public const string PriorDeliveriesProperty = "PriorDeliveries";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var outgoing = new ServiceBusMessage(message.Body) { MessageId = message.MessageId, ContentType = "application/json" };
        if (message.ScheduledEnqueueTime is { } at)
        {
            outgoing.ScheduledEnqueueTime = at;
        }

        await sender.SendMessageAsync(outgoing, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        var received = await receiver.ReceiveMessagesAsync(maxMessages, options.Value.ReceiveWait, cancellationToken).ConfigureAwait(false);
        var result = new List<ReceivedMessage>(received.Count);
        foreach (var message in received)
        {
            _locked[message.LockToken] = message;
            var notificationId = message.ApplicationProperties.TryGetValue(NotificationIdProperty, out var id) && id is string text ? text : message.MessageId;
            var prior = message.ApplicationProperties.TryGetValue(PriorDeliveriesProperty, out var count) && count is int n ? n : 0;
            result.Add(new ReceivedMessage(notificationId, message.Body, prior + message.DeliveryCount, message.EnqueuedTime, message.LockToken));
        }

        return result;
    }

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, m => receiver.CompleteMessageAsync(m, cancellationToken));

    public Task AbandonAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, m => receiver.AbandonMessageAsync(m, cancellationToken: cancellationToken));

    /// <summary>
    /// Service Bus cannot delay an abandoned message, so this schedules a copy (its own MessageId, so duplicate
    /// detection keeps it; the notification id and the delivery count ride along as properties) and then completes
    /// the original. A crash between the two leaves two copies, which the dispatcher's delivery record reduces to one send.
    /// </summary>
    public async Task RetryLaterAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!_locked.TryGetValue(message.LockToken, out var locked))
        {
            throw new MessageLockLostException(message.MessageId, new InvalidOperationException("This receiver holds no lock with that token."));
        }

        var copy = new ServiceBusMessage(locked.Body) { MessageId = $"{message.MessageId}~{message.DeliveryCount}", ContentType = locked.ContentType };
        copy.ApplicationProperties[NotificationIdProperty] = message.MessageId;
        copy.ApplicationProperties[PriorDeliveriesProperty] = message.DeliveryCount;
        if (delay > TimeSpan.Zero)
        {
            copy.ScheduledEnqueueTime = time.GetUtcNow() + delay;
        }

        await sender.SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
        await CompleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken) =>
        SettleAsync(message, m => receiver.DeadLetterMessageAsync(m, reason, description, cancellationToken));

    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var peeked = await deadLetters.PeekMessagesAsync(maxMessages, cancellationToken: cancellationToken).ConfigureAwait(false);
        return peeked.Select(m => new DeadLetteredMessage(m.MessageId, m.Body, m.DeadLetterReason ?? "", m.DeadLetterErrorDescription ?? "")).ToList();
    }

    private async Task SettleAsync(ReceivedMessage message, Func<ServiceBusReceivedMessage, Task> settle)
    {
        if (!_locked.TryRemove(message.LockToken, out var locked))
        {
            throw new MessageLockLostException(message.MessageId, new InvalidOperationException("This receiver holds no lock with that token."));
        }

        try
        {
            await settle(locked).ConfigureAwait(false);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            throw new MessageLockLostException(message.MessageId, ex);
        }
    }
}
