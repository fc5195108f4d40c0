using System.Globalization;
using DeRisk.Subscribers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>
/// Drains the notification queue: for each message, claims its delivery record (once only), sends it, records the
/// outcome, and settles the message. A message delivered twice finds its record settled and is dropped. Each message
/// stands alone: whatever goes wrong while handling one (a provider, storage, a bug) releases that message for a later
/// delivery and never touches the rest of the batch. A final "not sent" status (dead-lettered, failed) is recorded only
/// after the dead-letter call succeeded, so no copy is ever dropped as a duplicate of an outcome that did not happen;
/// a send whose outcome is unknown is reconciled with the provider before anything else happens to it.
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

        // Messages of a batch are handled side by side (the pacer still spaces the sends); each is independent. The
        // critical ones go first, on their own, so they take the sender's first turns.
        var critical = Enumerable.Range(0, messages.Count).Where(i => messages[i].Critical).ToList();
        var rest = Enumerable.Range(0, messages.Count).Where(i => !messages[i].Critical).ToList();
        foreach (var phase in new[] { critical, rest }.Where(p => p.Count > 0))
        {
            await HandleAllAsync(phase).ConfigureAwait(false);
        }

        Task HandleAllAsync(List<int> indexes) => Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, token) =>
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
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                outcomes[i] = await ReleaseAsync(messages[i], settings, ex, token).ConfigureAwait(false);
            }
        });

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

    /// <summary>
    /// A message whose handling failed unexpectedly goes back to the queue for a later delivery; its delivery record
    /// says whatever was last true (a claim left "sending" is reconciled with the provider next time). If even that
    /// fails, its lock runs out and the queue delivers it again.
    /// </summary>
    private async Task<Outcome> ReleaseAsync(ReceivedMessage message, DispatchOptions settings, Exception failure, CancellationToken cancellationToken)
    {
        DeliveryLog.HandlingFailed(logger, message.MessageId, message.DeliveryCount, failure);
        try
        {
            // A message that fails every time is not retried for ever: past every retry budget it is dead-lettered
            // (its delivery row, if any, says what was last known).
            if (message.DeliveryCount >= settings.MaxDeliveryCount + settings.ReconcileAttempts)
            {
                await queue.DeadLetterAsync(message, "HandlingFailed", failure.GetType().Name, cancellationToken).ConfigureAwait(false);
                return Outcome.DeadLettered;
            }

            await queue.RetryLaterAsync(message, settings.RetryDelay(message.DeliveryCount, null), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            DeliveryLog.ReleaseFailed(logger, message.MessageId, ex);
        }

        return Outcome.Retrying;
    }

    private async Task<Outcome> HandleAsync(ReceivedMessage message, DispatchOptions settings, CancellationToken cancellationToken)
    {
        var notification = Notification.FromBinary(message.Body);
        if (notification is null || !Storage.RowKeys.IsId(notification.SubscriberId) || !Notification.Channels.Contains(notification.Channel)
            || notification.Rules is null || notification.Text is null || notification.Id is not { Length: > 0 and <= 200 } || notification.Id.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
        {
            await queue.DeadLetterAsync(message, "MalformedMessage", "The body is not a notification.", cancellationToken).ConfigureAwait(false);
            DeliveryLog.DeadLettered(logger, message.MessageId, "MalformedMessage");
            return Outcome.DeadLettered;
        }

        // A late alert describes a market that has moved on: it is not sent (checked before any read, so a backlog of
        // expired alerts drains at the cost of one record and one dead-letter each).
        var age = time.GetUtcNow() - notification.Due;
        (string Status, string Reason)? unsent = null;
        if (age > settings.MaxAlertAge)
        {
            unsent = (DeliveryStatus.Expired, string.Create(CultureInfo.InvariantCulture, $"not sent: {age.TotalMinutes:0} minutes after it was due, over Dispatch:MaxAlertAge ({settings.MaxAlertAge.TotalMinutes:0} minutes)"));
            if (await SettleUnsentAsync(message, notification, unsent.Value.Status, unsent.Value.Reason, cancellationToken).ConfigureAwait(false) is { } settled)
            {
                return settled;
            }
        }

        var subscriber = await subscribers.GetProfileAsync(notification.SubscriberId, cancellationToken).ConfigureAwait(false);
        var (address, enabled) = subscriber?.ChannelFor(notification.Channel) ?? (null, false);
        if (unsent is null && (subscriber is null || !enabled || address is null))
        {
            unsent = (DeliveryStatus.Suppressed, subscriber is null ? "subscriber no longer exists" : $"{notification.Channel} is not active for this subscriber");
            if (await SettleUnsentAsync(message, notification, unsent.Value.Status, unsent.Value.Reason, cancellationToken).ConfigureAwait(false) is { } settled)
            {
                return settled;
            }
        }

        // From here on either it is to be sent, or it is not but an earlier attempt left its outcome unknown: the
        // claim below asks the provider about that attempt first.

        var claim = await deliveries.ClaimAsync(notification, address, message.Critical, time.GetUtcNow(), settings.LockDuration, cancellationToken).ConfigureAwait(false);
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
        var outgoing = new SmsMessage(address ?? "", notification.Text, notification.SubscriberId, notification.Id);

        // The earlier attempt went to the number of that time, which the subscriber may have changed since.
        var attempted = held.UnfinishedTo ?? address;
        var now = time.GetUtcNow();
        if (held.UnfinishedSince is { } since)
        {
            // The crash window: the provider may have taken the earlier attempt before its dispatcher died. Twilio can
            // be asked (its message list); SendGrid's mail send cannot, so an email is sent again, tagged with the same
            // notification id — a rare duplicate email is the lesser harm than a de-risk alert that never arrives.
            switch (isSms && attempted is not null ? await sms.FindAcceptedAsync(outgoing with { To = attempted }, since, cancellationToken).ConfigureAwait(false) : null)
            {
                case SentLookup.Found found:
                    // Accepted earlier: it is sent, whatever the delivery count.
                    await deliveries.RecordAsync(held, DeliveryStatus.Sent, now, found.ProviderId, "accepted", cancellationToken: cancellationToken).ConfigureAwait(false);
                    await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                    DeliveryLog.Reconciled(logger, notification.Id, found.ProviderId);
                    return Outcome.Duplicate;

                case SentLookup.Unavailable unavailable when message.DeliveryCount >= settings.MaxDeliveryCount + settings.ReconcileAttempts:
                    return await DeadLetterAsync(message, held, "ReconciliationFailed", "outcome unknown: an earlier attempt may have been sent, and " + unavailable.Error, cancellationToken).ConfigureAwait(false);

                case SentLookup.Unavailable unavailable:
                    // Nothing is sent until the provider says whether it already has it: ask again later, with the
                    // backoff (and Retry-After) of a failed send. The row stays "sending", so the next delivery asks first too.
                    return await RetryUnknownAsync(message, held, unavailable.Error, unavailable.RetryAfter, settings, cancellationToken).ConfigureAwait(false);

                case SentLookup.NotFound when message.DeliveryCount > settings.MaxDeliveryCount:
                    // The last attempt's outcome was unknown and the provider has no such message: it was not sent.
                    return await DeadLetterAsync(message, held, "MaxDeliveryCountExceeded", "not accepted by the provider after the last attempt", cancellationToken).ConfigureAwait(false);

                case null when unsent is null:
                    DeliveryLog.ResendingUnverifiable(logger, notification.Id, notification.Channel);
                    break;
            }
        }

        if (unsent is { } notSent)
        {
            // The earlier attempt was not taken (or cannot be asked about): settle it as not sent, queue first.
            var settledUnsent = await FinishUnsentAsync(message, notification, notSent.Status, notSent.Reason, cancellationToken).ConfigureAwait(false);
            await deliveries.RecordAsync(held, notSent.Status, time.GetUtcNow(), error: notSent.Reason, cancellationToken: cancellationToken).ConfigureAwait(false);
            return settledUnsent;
        }

        // Not unsent means the subscriber's channel is active, so its address is known.
        var to = address ?? throw new InvalidOperationException("An alert to send has no address.");
        await pacer.WaitTurnAsync(notification.Channel, settings.PerSecond(notification.Channel), cancellationToken).ConfigureAwait(false);
        if (time.GetUtcNow() - held.ClaimedAt > settings.LockDuration / 2)
        {
            // A long wait for the sender's turn: renew the claim first, so it cannot lapse to another dispatcher mid-send.
            if (await deliveries.RenewAsync(held, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not { } renewed)
            {
                return Outcome.Held;
            }

            held = renewed;
        }

        var result = isSms
            ? await sms.SendAsync(outgoing, cancellationToken).ConfigureAwait(false)
            : await email.SendAsync(ToEmail(to, notification), cancellationToken).ConfigureAwait(false);
        now = time.GetUtcNow();
        switch (result)
        {
            case SendResult.Accepted accepted:
                await deliveries.RecordAsync(held, DeliveryStatus.Sent, now, accepted.ProviderId, accepted.Status, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                var masked = isSms ? Redact.Phone(to) : Redact.Email(to);
                DeliveryLog.Sent(logger, notification.Id, notification.Channel, masked, accepted.ProviderId, held.Attempts);
                return Outcome.Sent;

            case SendResult.Permanent permanent:
                if (permanent.AddressUnusable)
                {
                    // The address cannot (or must not) be reached: stop using it until the subscriber changes it. True
                    // whatever happens to the message, so it is written first.
                    var state = permanent.ErrorCode == 21610 ? ChannelState.Stopped : ChannelState.Failed;
                    await subscribers.SetChannelStateAsync(notification.SubscriberId, notification.Channel, state, permanent.Error, now, cancellationToken).ConfigureAwait(false);
                    DeliveryLog.ChannelOff(logger, notification.SubscriberId, notification.Channel, state);
                }

                var deadReason = permanent.ErrorCode is { } code ? $"Twilio{code}" : isSms ? "PermanentFailure" : "SendGridRejected";
                await queue.DeadLetterAsync(message, deadReason, permanent.Error, cancellationToken).ConfigureAwait(false);
                await deliveries.RecordAsync(held, DeliveryStatus.Failed, now, error: permanent.Error, cancellationToken: cancellationToken).ConfigureAwait(false);

                DeliveryLog.DeadLettered(logger, notification.Id, permanent.Error);
                return Outcome.DeadLettered;

            case SendResult.Unknown unknown when isSms || message.DeliveryCount < settings.MaxDeliveryCount:
                // The next attempt asks Twilio before sending again — even after the last allowed attempt, so an SMS
                // Twilio took is never recorded as not delivered.
                return await RetryUnknownAsync(message, held, unknown.Error, null, settings, cancellationToken).ConfigureAwait(false);

            case SendResult.Unknown unknown:
                return await DeadLetterAsync(message, held, "MaxDeliveryCountExceeded", "outcome unknown: " + unknown.Error, cancellationToken).ConfigureAwait(false);

            case SendResult.Transient transient when message.DeliveryCount >= settings.MaxDeliveryCount:
                return await DeadLetterAsync(message, held, "MaxDeliveryCountExceeded", transient.Error, cancellationToken).ConfigureAwait(false);

            case SendResult.Transient transient:
                await deliveries.RecordAsync(held, DeliveryStatus.Retrying, now, error: transient.Error, cancellationToken: cancellationToken).ConfigureAwait(false);
                await queue.RetryLaterAsync(message, settings.RetryDelay(message.DeliveryCount, transient.RetryAfter), cancellationToken).ConfigureAwait(false);
                DeliveryLog.WillRetry(logger, notification.Id, message.DeliveryCount, transient.Error);
                return Outcome.Retrying;

            default:
                throw new InvalidOperationException($"Unhandled send result {result.GetType().Name}.");
        }
    }

    /// <summary>Releases the claim, leaving the outcome unknown ("sending"), and puts the message back with the backoff.</summary>
    private async Task<Outcome> RetryUnknownAsync(ReceivedMessage message, DeliveryClaim held, string error, TimeSpan? retryAfter, DispatchOptions settings, CancellationToken cancellationToken)
    {
        await deliveries.ReleaseUnknownAsync(held, time.GetUtcNow(), "outcome unknown: " + error, cancellationToken).ConfigureAwait(false);
        await queue.RetryLaterAsync(message, settings.RetryDelay(message.DeliveryCount, retryAfter), cancellationToken).ConfigureAwait(false);
        DeliveryLog.WillRetry(logger, held.NotificationId, message.DeliveryCount, error);
        return Outcome.Retrying;
    }

    /// <summary>Dead-letters the message, and only then records it so: the record never claims what the queue does not hold.</summary>
    private async Task<Outcome> DeadLetterAsync(ReceivedMessage message, DeliveryClaim held, string reason, string error, CancellationToken cancellationToken)
    {
        await queue.DeadLetterAsync(message, reason, error, cancellationToken).ConfigureAwait(false);
        await deliveries.RecordAsync(held, DeliveryStatus.DeadLettered, time.GetUtcNow(), error: error, cancellationToken: cancellationToken).ConfigureAwait(false);
        DeliveryLog.DeadLettered(logger, held.NotificationId, error);
        return Outcome.DeadLettered;
    }

    /// <summary>
    /// Settles a notification that will not be sent: suppressed (completed) or expired (dead-lettered as "Expired",
    /// for operators to see). A copy of one already settled is a redelivery and is only completed.
    /// </summary>
    private async Task<Outcome?> SettleUnsentAsync(ReceivedMessage message, Notification notification, string status, string reason, CancellationToken cancellationToken)
    {
        var earlier = await deliveries.RecordUnsentAsync(notification, status, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (earlier == DeliveryStatus.Sending)
        {
            // An earlier attempt's outcome is unknown: the caller reconciles it before settling.
            return null;
        }

        // A copy of one already settled is a redelivery and is only completed; except after "expired", whose
        // dead-letter call may not have gone through: that copy is dead-lettered (again) below.
        if (earlier is not null && !(earlier == DeliveryStatus.Expired && status == DeliveryStatus.Expired))
        {
            await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            DeliveryLog.Duplicate(logger, notification.Id, earlier);
            return Outcome.Duplicate;
        }

        return await FinishUnsentAsync(message, notification, status, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The queue side of "not sent": an expired alert is dead-lettered as "Expired" for operators to see, a suppressed one completed.</summary>
    private async Task<Outcome> FinishUnsentAsync(ReceivedMessage message, Notification notification, string status, string reason, CancellationToken cancellationToken)
    {
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

    /// <summary>The alert as an email, as the planner rendered it for this channel.</summary>
    internal static EmailMessage ToEmail(string address, Notification notification) =>
        new(address, notification.Subject ?? DeRisk.Rules.AlertMessageRenderer.SubjectOf(notification.Text), notification.Text, notification.SubscriberId, notification.Id, notification.Html);

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
