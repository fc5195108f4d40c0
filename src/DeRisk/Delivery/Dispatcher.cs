using System.Globalization;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

public sealed record DispatchResult(int Received, int Sent, int Duplicates, int Retrying, int DeadLettered, int Suppressed);

/// <summary>
/// Drains the notification queue: for each message, claims its delivery record (once only), sends it, records the
/// outcome, and only then settles the message. A message delivered twice finds its record settled and is dropped.
/// </summary>
public sealed class Dispatcher(
    INotificationQueue queue,
    DeliveryStore deliveries,
    SubscriberStore subscribers,
    ISmsSender sms,
    IEmailSender email,
    SendPacer pacer,
    IOptions<DispatchOptions> options,
    TimeProvider time,
    ILogger<Dispatcher> logger)
{
    public async Task<DispatchResult> DrainAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var messages = await queue.ReceiveAsync(settings.BatchSize, settings.LockDuration, cancellationToken).ConfigureAwait(false);
        var outcomes = new Outcome[messages.Count];

        // Messages of a batch are handled side by side (the pacer still spaces the sends); each is independent.
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, token) =>
        {
            try
            {
                outcomes[i] = await HandleAsync(messages[i], settings, token).ConfigureAwait(false);
            }
            catch (MessageLockLostException)
            {
                // The lock ran out while this message was handled. What was recorded stands; the redelivery
                // finds the delivery record and settles accordingly.
                DeliveryLog.LockLost(logger, messages[i].MessageId);
                outcomes[i] = Outcome.Held;
            }
        }).ConfigureAwait(false);

        int sent = 0, duplicates = 0, retrying = 0, deadLettered = 0, suppressed = 0;
        foreach (var outcome in outcomes)
        {
            switch (outcome)
            {
                case Outcome.Sent: sent++; break;
                case Outcome.Duplicate: duplicates++; break;
                case Outcome.Retrying: retrying++; break;
                case Outcome.DeadLettered: deadLettered++; break;
                case Outcome.Suppressed: suppressed++; break;
                case Outcome.Held: break;
            }
        }

        return new DispatchResult(messages.Count, sent, duplicates, retrying, deadLettered, suppressed);
    }

    private async Task<Outcome> HandleAsync(ReceivedMessage message, DispatchOptions settings, CancellationToken cancellationToken)
    {
        var notification = Notification.FromBinary(message.Body);
        if (notification is null || !Storage.RowKeys.IsId(notification.SubscriberId))
        {
            await queue.DeadLetterAsync(message, "MalformedMessage", "The body is not a notification.", cancellationToken).ConfigureAwait(false);
            DeliveryLog.DeadLettered(logger, message.MessageId, "MalformedMessage");
            return Outcome.DeadLettered;
        }

        // A late alert describes a market that has moved on: it is not sent (checked before any read, so a backlog of
        // expired alerts drains at the cost of one record and one dead-letter each).
        var age = time.GetUtcNow() - notification.Due;
        if (age > settings.MaxAlertAge)
        {
            var why = string.Create(CultureInfo.InvariantCulture, $"not sent: {age.TotalMinutes:0} minutes after it was due, over Dispatch:MaxAlertAge ({settings.MaxAlertAge.TotalMinutes:0} minutes)");
            return await SettleUnsentAsync(message, notification, DeliveryStatus.Expired, why, cancellationToken).ConfigureAwait(false);
        }

        var subscriber = await subscribers.GetProfileAsync(notification.SubscriberId, cancellationToken).ConfigureAwait(false);
        var (address, enabled) = subscriber?.ChannelFor(notification.Channel) ?? (null, false);
        if (subscriber is null || !enabled || address is null)
        {
            var reason = subscriber is null ? "subscriber no longer exists" : $"{notification.Channel} is not active for this subscriber";
            return await SettleUnsentAsync(message, notification, DeliveryStatus.Suppressed, reason, cancellationToken).ConfigureAwait(false);
        }

        var claim = await deliveries.ClaimAsync(notification, time.GetUtcNow(), settings.LockDuration, cancellationToken).ConfigureAwait(false);
        switch (claim)
        {
            case ClaimResult.AlreadySettled settled:
                await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                DeliveryLog.Duplicate(logger, notification.Id, settled.Status);
                return Outcome.Duplicate;
            case ClaimResult.HeldElsewhere:
                // Another dispatcher is sending it right now; its lock on the message will settle it.
                return Outcome.Held;
        }

        var held = ((ClaimResult.Claimed)claim).Claim;
        var isSms = notification.Channel == Notification.SmsChannel;
        var outgoing = new SmsMessage(address, notification.Text, notification.SubscriberId, notification.Id);
        var now = time.GetUtcNow();
        if (held.UnfinishedSince is { } since)
        {
            // The crash window: the provider may have taken the earlier attempt before its dispatcher died. Twilio can
            // be asked (its message list); SendGrid's mail send cannot, so an email is sent again, tagged with the same
            // notification id — a rare duplicate email is the lesser harm than a de-risk alert that never arrives.
            if (isSms && await sms.FindAcceptedAsync(outgoing, since, cancellationToken).ConfigureAwait(false) is { } acceptedEarlier)
            {
                await deliveries.RecordAsync(held, DeliveryStatus.Sent, now, acceptedEarlier, "accepted", cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                DeliveryLog.Reconciled(logger, notification.Id, acceptedEarlier);
                return Outcome.Duplicate;
            }

            if (!isSms)
            {
                DeliveryLog.ResendingUnverifiable(logger, notification.Id, notification.Channel);
            }
        }

        await pacer.WaitTurnAsync(notification.Channel, settings.PerSecond(notification.Channel), cancellationToken).ConfigureAwait(false);
        var result = isSms
            ? await sms.SendAsync(outgoing, cancellationToken).ConfigureAwait(false)
            : await email.SendAsync(ToEmail(address, notification), cancellationToken).ConfigureAwait(false);
        now = time.GetUtcNow();
        switch (result)
        {
            case SendResult.Accepted accepted:
                await deliveries.RecordAsync(held, DeliveryStatus.Sent, now, accepted.ProviderId, accepted.Status, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                var masked = isSms ? Redact.Phone(address) : Redact.Email(address);
                DeliveryLog.Sent(logger, notification.Id, notification.Channel, masked, accepted.ProviderId, held.Attempts);
                return Outcome.Sent;

            case SendResult.Permanent permanent:
                await deliveries.RecordAsync(held, DeliveryStatus.Failed, now, error: permanent.Error, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (permanent.AddressUnusable)
                {
                    // The address cannot (or must not) be reached: stop using it until the subscriber changes it.
                    var state = permanent.ErrorCode == 21610 ? ChannelState.Stopped : ChannelState.Failed;
                    await subscribers.SetChannelStateAsync(notification.SubscriberId, notification.Channel, state, permanent.Error, now, cancellationToken).ConfigureAwait(false);
                    DeliveryLog.ChannelOff(logger, notification.SubscriberId, notification.Channel, state);
                }

                var deadReason = permanent.ErrorCode is { } code ? $"Twilio{code}" : isSms ? "PermanentFailure" : "SendGridRejected";
                await queue.DeadLetterAsync(message, deadReason, permanent.Error, cancellationToken).ConfigureAwait(false);
                DeliveryLog.DeadLettered(logger, notification.Id, permanent.Error);
                return Outcome.DeadLettered;

            case SendResult.Unknown unknown when message.DeliveryCount < settings.MaxDeliveryCount:
                // Leave the claim "sending": once it expires, the next attempt asks Twilio before sending again.
                await queue.RetryLaterAsync(message, settings.LockDuration, cancellationToken).ConfigureAwait(false);
                DeliveryLog.WillRetry(logger, notification.Id, message.DeliveryCount, unknown.Error);
                return Outcome.Retrying;

            case SendResult.Unknown unknown:
                await deliveries.RecordAsync(held, DeliveryStatus.DeadLettered, now, error: "outcome unknown: " + unknown.Error, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.DeadLetterAsync(message, "MaxDeliveryCountExceeded", "outcome unknown: " + unknown.Error, cancellationToken).ConfigureAwait(false);
                DeliveryLog.DeadLettered(logger, notification.Id, unknown.Error);
                return Outcome.DeadLettered;

            case SendResult.Transient transient when message.DeliveryCount >= settings.MaxDeliveryCount:
                await deliveries.RecordAsync(held, DeliveryStatus.DeadLettered, now, error: transient.Error, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.DeadLetterAsync(message, "MaxDeliveryCountExceeded", transient.Error, cancellationToken).ConfigureAwait(false);
                DeliveryLog.DeadLettered(logger, notification.Id, transient.Error);
                return Outcome.DeadLettered;

            case SendResult.Transient transient:
                await deliveries.RecordAsync(held, DeliveryStatus.Retrying, now, error: transient.Error, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.RetryLaterAsync(message, settings.RetryDelay(message.DeliveryCount, transient.RetryAfter), cancellationToken).ConfigureAwait(false);
                DeliveryLog.WillRetry(logger, notification.Id, message.DeliveryCount, transient.Error);
                return Outcome.Retrying;

            default:
                throw new InvalidOperationException($"Unhandled send result {result.GetType().Name}.");
        }
    }

    /// <summary>
    /// Settles a notification that will not be sent: suppressed (completed) or expired (dead-lettered as "Expired",
    /// for operators to see). A copy of one already settled is a redelivery and is only completed.
    /// </summary>
    private async Task<Outcome> SettleUnsentAsync(ReceivedMessage message, Notification notification, string status, string reason, CancellationToken cancellationToken)
    {
        if (await deliveries.RecordUnsentAsync(notification, status, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            DeliveryLog.Duplicate(logger, notification.Id, earlier);
            return Outcome.Duplicate;
        }

        if (status == DeliveryStatus.Expired)
        {
            await queue.DeadLetterAsync(message, "Expired", reason, cancellationToken).ConfigureAwait(false);
            DeliveryLog.Expired(logger, notification.Id, reason);
            return Outcome.DeadLettered;
        }

        await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
        DeliveryLog.Suppressed(logger, notification.Id, reason);
        return Outcome.Suppressed;
    }

    public const string EmailFooter = "You get this because you set this rule at DeRisk. Change or stop your alerts with the DeRisk API (PATCH or DELETE /api/me/rules/{id}, DELETE /api/me).";

    /// <summary>The alert as an email: the SMS text without the SMS opt-out line, which means nothing in an inbox, and an email footer.</summary>
    internal static EmailMessage ToEmail(string address, Notification notification)
    {
        var text = notification.Text.EndsWith(Alerts.AlertMessageRenderer.StopFooter, StringComparison.Ordinal)
            ? notification.Text[..^Alerts.AlertMessageRenderer.StopFooter.Length].TrimEnd()
            : notification.Text;
        return new EmailMessage(address, EmailSubject(text), text + "\n\n" + EmailFooter, notification.SubscriberId, notification.Id);
    }

    /// <summary>An email's subject: the alert's first line, short enough for a mail client's list.</summary>
    internal static string EmailSubject(string text)
    {
        var firstLine = text.AsSpan();
        var end = firstLine.IndexOfAny('\r', '\n');
        if (end >= 0)
        {
            firstLine = firstLine[..end];
        }

        return firstLine.Length <= 90 ? firstLine.ToString() : string.Concat(firstLine[..89], "…");
    }

    private enum Outcome
    {
        Sent,
        Duplicate,
        Retrying,
        DeadLettered,
        Suppressed,
        Held,
    }
}

internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Notification {NotificationId} sent by {Channel} to {Address} as {ProviderId} (attempt {Attempt})")]
    public static partial void Sent(ILogger logger, string notificationId, string channel, string address, string providerId, int attempt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Notification {NotificationId} was already {Status}; duplicate delivery dropped")]
    public static partial void Duplicate(ILogger logger, string notificationId, string status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Notification {NotificationId} failed on delivery {DeliveryCount} and will be retried: {Error}")]
    public static partial void WillRetry(ILogger logger, string notificationId, int deliveryCount, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Notification {NotificationId} dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Notification {NotificationId} suppressed: {Reason}")]
    public static partial void Suppressed(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The lock on message {MessageId} was lost before it was settled; its redelivery will settle it")]
    public static partial void LockLost(ILogger logger, string messageId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Channel {Channel} of subscriber {SubscriberId} is now {State} after a permanent provider error")]
    public static partial void ChannelOff(ILogger logger, string subscriberId, string channel, string state);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Notification {NotificationId} by {Channel} was being sent when its dispatcher stopped; the provider cannot be asked, so it is sent again")]
    public static partial void ResendingUnverifiable(ILogger logger, string notificationId, string channel);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Notification {NotificationId} expired: {Reason}")]
    public static partial void Expired(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Notification {NotificationId} had been accepted as {ProviderId} before a dispatcher stopped; recorded, not sent again")]
    public static partial void Reconciled(ILogger logger, string notificationId, string providerId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Twilio rejected notification {NotificationId}: HTTP {Status}, code {Code}, permanent {Permanent}")]
    public static partial void ProviderRejected(ILogger logger, string notificationId, int status, int code, bool permanent);
}
