using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Queues;
using DeRisk.Storage;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>
/// The notification queue on Azure Storage queues (Azurite locally). The visibility timeout is the lock, the
/// dequeue count is the delivery count, "{queue}-poison" is the dead-letter queue, and a scheduled enqueue time
/// becomes the initial visibility delay. Each message carries an envelope with the application message id.
/// </summary>
public sealed class StorageNotificationQueue : INotificationQueue, IStorageResource
{
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly QueueClient _queue;
    private readonly QueueClient _critical;
    private readonly QueueClient _deadLetters;
    private readonly TimeProvider _time;

    public StorageNotificationQueue(QueueServiceClient service, IOptions<NotificationQueueOptions> queue, IOptions<StorageOptions> storage, TimeProvider time)
    {
        var name = storage.Value.TablePrefix.ToLowerInvariant() + queue.Value.QueueName;
        _queue = service.GetQueueClient(name);
        _critical = service.GetQueueClient(name + NotificationQueueOptions.CriticalSuffix);
        _deadLetters = service.GetQueueClient(name + "-poison");
        _time = time;
    }

    public string QueueName => _queue.Name;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _critical.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _deadLetters.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // Azure Queues counts a visibility delay in whole seconds and drops the fraction, so a scheduled message is
        // hidden for whole seconds rounded up: never visible before it is due (in a fast replay, where hours of market
        // time pass in a second, a message held by quiet hours would otherwise go out at once, inside them).
        TimeSpan? delay = message.ScheduledEnqueueTime is { } at && at > now
            ? TimeSpan.FromSeconds(Math.Ceiling(Math.Min(WallDelay(at - now).TotalSeconds, MaxVisibilityDelay.TotalSeconds)))
            : null;
        var envelope = new Envelope(message.MessageId, message.Body.ToString(), now, null, null);
        await (message.Critical ? _critical : _queue).SendMessageAsync(JsonSerializer.Serialize(envelope, Json), delay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Azure Queues has no batch send: one call per message, 16 at a time (the queue is I/O-bound).</summary>
    public Task SendManyAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (message, token) => await SendAsync(message, token).ConfigureAwait(false));

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        var wanted = Math.Clamp(maxMessages, 1, 32);
        var result = new List<ReceivedMessage>(wanted);
        foreach (var (lane, queue) in new[] { (CriticalLane, _critical), (NormalLane, _queue) })
        {
            if (result.Count == wanted)
            {
                break;
            }

            var received = await queue.ReceiveMessagesAsync(wanted - result.Count, lockDuration, cancellationToken).ConfigureAwait(false);
            foreach (var message in received.Value)
            {
                var envelope = TryRead(message.MessageText);
                var token = Token(lane, message.MessageId, message.PopReceipt);
                result.Add(envelope is null
                    ? new ReceivedMessage(message.MessageId, BinaryData.FromString(message.MessageText), (int)message.DequeueCount, message.InsertedOn, token, lane == CriticalLane)
                    : new ReceivedMessage(envelope.MessageId, BinaryData.FromString(envelope.Body), (int)message.DequeueCount, envelope.EnqueuedTime, token, lane == CriticalLane));
            }
        }

        return result;
    }

    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var (queue, id, receipt) = Parse(message.LockToken);
        try
        {
            await queue.DeleteMessageAsync(id, receipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            throw new MessageLockLostException(message.MessageId, ex);
        }
    }

    public async Task AbandonAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var (queue, id, receipt) = Parse(message.LockToken);
        try
        {
            await queue.UpdateMessageAsync(id, receipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            throw new MessageLockLostException(message.MessageId, ex);
        }
    }

    /// <summary>The visibility timeout is the delay; the dequeue count carries on by itself.</summary>
    public async Task RetryLaterAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (queue, id, receipt) = Parse(message.LockToken);
        var visibility = TimeSpan.FromTicks(Math.Clamp(WallDelay(delay).Ticks, 0, MaxVisibilityDelay.Ticks));
        try
        {
            await queue.UpdateMessageAsync(id, receipt, visibilityTimeout: visibility, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsLockLost(ex))
        {
            throw new MessageLockLostException(message.MessageId, ex);
        }
    }

    public async Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken)
    {
        var envelope = new Envelope(message.MessageId, message.Body.ToString(), message.EnqueuedTime ?? _time.GetUtcNow(), reason, description);
        await _deadLetters.SendMessageAsync(JsonSerializer.Serialize(envelope, Json), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
        await CompleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var peeked = await _deadLetters.PeekMessagesAsync(Math.Clamp(maxMessages, 1, 32), cancellationToken).ConfigureAwait(false);
        return peeked.Value
            .Select(m => TryRead(m.MessageText))
            .OfType<Envelope>()
            .Select(ToDeadLettered)
            .ToList();
    }

    /// <summary>Takes every message out of the dead-letter queue (operators' replay and tests), oldest first.</summary>
    public async Task<List<DeadLetteredMessage>> DrainDeadLettersAsync(CancellationToken cancellationToken)
    {
        var all = new List<DeadLetteredMessage>();
        while (true)
        {
            var batch = await _deadLetters.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
            if (batch.Value.Length == 0)
            {
                return all;
            }

            foreach (var message in batch.Value)
            {
                if (TryRead(message.MessageText) is { } envelope)
                {
                    all.Add(ToDeadLettered(envelope));
                }

                await _deadLetters.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static DeadLetteredMessage ToDeadLettered(Envelope e) =>
        new(e.MessageId, BinaryData.FromString(e.Body), e.DeadLetterReason ?? "", e.DeadLetterDescription ?? "");

    private static Envelope? TryRead(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<Envelope>(text, Json) is { MessageId.Length: > 0, Body: not null } envelope ? envelope : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The message is gone (404), or was received again by someone else and holds a new pop receipt (400).
    private static bool IsLockLost(RequestFailedException ex) =>
        ex.Status == StorageStatus.NotFound || ex.ErrorCode == "PopReceiptMismatch";

    // The service counts the visibility delay on the wall clock; under a replay clock a replayed hour is shorter.
    private TimeSpan WallDelay(TimeSpan appDelay) => _time is Market.ReplayClock replay ? replay.ToWall(appDelay) : appDelay;

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        var waiting = await _queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var critical = await _critical.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var dead = await _deadLetters.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        return new QueueDepth(waiting.Value.ApproximateMessagesCount + critical.Value.ApproximateMessagesCount, dead.Value.ApproximateMessagesCount);
    }

    private const char CriticalLane = 'c';
    private const char NormalLane = 'n';

    /// <summary>The lock token: the lane the message came from, its queue message id and pop receipt.</summary>
    private static string Token(char lane, string queueMessageId, string popReceipt) => lane + queueMessageId + "\n" + popReceipt;

    private (QueueClient Queue, string Id, string Receipt) Parse(string lockToken)
    {
        var split = lockToken.IndexOf('\n', StringComparison.Ordinal);
        return (lockToken[0] == CriticalLane ? _critical : _queue, lockToken[1..split], lockToken[(split + 1)..]);
    }

    private sealed record Envelope(
        string MessageId,
        string Body,
        DateTimeOffset EnqueuedTime,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeadLetterReason,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeadLetterDescription);
}
