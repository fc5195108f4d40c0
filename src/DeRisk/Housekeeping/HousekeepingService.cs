using Azure.Data.Tables;
using DeRisk.Delivery;
using DeRisk.Hosting;
using DeRisk.Market;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Housekeeping;

/// <summary>
/// The daily clean-up of what only ever grows otherwise: anti-abuse counters whose window has ended, confirmation
/// codes that expired unused (including the pending address of a subscriber who has since deleted their data),
/// sign-ups never confirmed within <see cref="AccessOptions.AbandonedSignUpAfter"/> (deleted with all they hold),
/// polled market points and snapshots past <see cref="MarketOptions.HistoryRetention"/>, and delivery records past
/// <see cref="DispatchOptions.RecordRetention"/>, and inbound SMS receipts past
/// <see cref="AccessOptions.InboundReceiptRetention"/>. Everything it deletes is already dead; a sign-up with a live code is
/// left alone.
/// </summary>
public sealed class HousekeepingService(
    DeRiskTables tables,
    ContactStore contacts,
    SubscriberStore subscribers,
    SubscriberErasure erasure,
    MarketStore market,
    DeliveryStore deliveries,
    InboundSmsService inbound,
    IOptions<AccessOptions> options,
    IOptions<MarketOptions> marketOptions,
    IOptions<DispatchOptions> dispatchOptions,
    TimeProvider time,
    [FromKeyedServices(Clocks.Wall)] TimeProvider wallClock,
    ILogger<HousekeepingService> logger)
{
    public async Task<HousekeepingResult> RunAsync(CancellationToken cancellationToken)
    {
        // Counters, codes, sign-ups and receipts are about people, on the wall clock; market rows and deliveries on market time.
        var now = wallClock.GetUtcNow();
        var marketNow = time.GetUtcNow();

        // A counter row belongs to one fixed window; once the window has ended nothing reads or writes it again.
        var limits = await tables.Limits.DeleteWhereAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), cancellationToken).ConfigureAwait(false);
        var codes = await contacts.DeleteExpiredCodesAsync(now, cancellationToken).ConfigureAwait(false);

        var abandoned = 0;
        await foreach (var subscriber in subscribers.ListUnconfirmedAsync(now - options.Value.AbandonedSignUpAfter, cancellationToken).ConfigureAwait(false))
        {
            // A code issued for this very subscriber is still live: its owner may be about to confirm it.
            if (await HasLiveCodeAsync(subscriber, now, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await erasure.EraseAsync(subscriber, "sign-up never confirmed", cancellationToken).ConfigureAwait(false);
            abandoned++;
        }

        var marketRows = await market.DeleteOlderThanAsync(marketOptions.Value.AllSymbols, marketNow - marketOptions.Value.HistoryRetention, cancellationToken).ConfigureAwait(false);
        var oldDeliveries = await deliveries.DeleteOlderThanAsync(marketNow - dispatchOptions.Value.RecordRetention, cancellationToken).ConfigureAwait(false);
        var receipts = await inbound.DeleteReceiptsOlderThanAsync(now - options.Value.InboundReceiptRetention, cancellationToken).ConfigureAwait(false);
        if (limits + codes + abandoned + marketRows + oldDeliveries + receipts > 0)
        {
            HousekeepingLog.Done(logger, limits, codes, abandoned, marketRows, oldDeliveries, receipts);
        }

        return new HousekeepingResult(limits, codes, abandoned, marketRows, oldDeliveries, receipts);
    }

    private async Task<bool> HasLiveCodeAsync(Subscriber subscriber, DateTimeOffset now, CancellationToken cancellationToken) =>
        (subscriber.Phone is { } phone && await contacts.HasLiveCodeAsync(Notification.SmsChannel, phone, subscriber.Id, now, cancellationToken).ConfigureAwait(false))
        || (subscriber.Email is { } email && await contacts.HasLiveCodeAsync(Notification.EmailChannel, email, subscriber.Id, now, cancellationToken).ConfigureAwait(false));

}
