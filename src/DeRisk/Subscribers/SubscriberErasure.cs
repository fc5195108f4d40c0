using DeRisk.Delivery;
using DeRisk.SignUp;
using DeRisk.Tick;
using Microsoft.Extensions.Logging;

namespace DeRisk.Subscribers;

/// <summary>
/// Removes everything DeRisk holds about a subscriber: alert states, deliveries, the addresses' contact rows, the
/// profile with its rules, and tokens. Used by DELETE /api/me and by housekeeping for sign-ups never confirmed.
/// </summary>
public sealed class SubscriberErasure(
    SubscriberStore store,
    AlertStateStore states,
    DeliveryStore deliveries,
    TokenStore tokens,
    ContactStore contacts,
    ILogger<SubscriberErasure> logger)
{
    public async Task EraseAsync(Subscriber subscriber, string reason, CancellationToken cancellationToken)
    {
        // Tokens last, so a failure part-way leaves a subscriber who can still ask again.
        await states.DeleteAsync(store.ShardOf(subscriber.Id), subscriber.Id, null, cancellationToken).ConfigureAwait(false);
        await deliveries.DeleteAllAsync(subscriber.Id, cancellationToken).ConfigureAwait(false);
        if (subscriber.Phone is not null)
        {
            await contacts.ForgetAsync(Notification.SmsChannel, subscriber.Phone, subscriber.Id, cancellationToken).ConfigureAwait(false);
        }

        if (subscriber.Email is not null)
        {
            await contacts.ForgetAsync(Notification.EmailChannel, subscriber.Email, subscriber.Id, cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteAsync(subscriber.Id, cancellationToken).ConfigureAwait(false);
        await tokens.DeleteAllAsync(subscriber.Id, cancellationToken).ConfigureAwait(false);
        SubscriberLog.Erased(logger, subscriber.Id, reason);
    }

}
