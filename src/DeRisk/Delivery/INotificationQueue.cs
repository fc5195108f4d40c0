namespace DeRisk.Delivery;

/// <summary>
/// The notification queue port, shaped after what Service Bus gives: an application message id (duplicate
/// detection), a delivery count, a scheduled enqueue time, and peek-lock settlement — complete, abandon, or
/// dead-letter with a reason and description. The Storage queue adapter maps each of these onto Azure Queues. Critical
/// messages (a depeg) travel in their own lane, received before any other: on a crash day the sender's rate is the
/// bottleneck and alerts expire, so a critical one must never wait behind thousands of others.
/// </summary>
public interface INotificationQueue
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends many messages (a shard's notifications of one tick) in as few calls as the transport allows: Service Bus
    /// in message batches, the Storage queue one call each, side by side. Each keeps its id, so a retried send is
    /// dropped as a duplicate (Service Bus duplicate detection; the dispatcher's delivery record for both).
    /// </summary>
    Task SendManyAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> messages, each locked for <paramref name="lockDuration"/>: the
    /// critical lane's first, then the rest.
    /// </summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan lockDuration, CancellationToken cancellationToken);

    /// <summary>Settles the message: it is gone from the queue.</summary>
    Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>Releases the lock; the message is delivered again with a higher delivery count.</summary>
    Task AbandonAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Settles this delivery and has the message delivered again after <paramref name="delay"/>, with its delivery
    /// count carried on (for backoff and Retry-After).
    /// </summary>
    Task RetryLaterAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves the message to the dead-letter queue with a reason and description.</summary>
    Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken);

    /// <summary>Reads (without locking) what the dead-letter queue holds, oldest first.</summary>
    Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Approximate messages waiting and dead-lettered, for operators; null where the adapter cannot tell.</summary>
    Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken);
}
