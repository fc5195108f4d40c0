using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.Delivery;

/// <summary>
/// Delivery records, written with ETag-conditional operations so that a message delivered twice by the queue,
/// or two dispatchers at once, lead to one provider call.
/// </summary>
public sealed class DeliveryStore(DeRiskTables tables)
{
    /// <summary>
    /// Claims the notification's row for one attempt to <paramref name="to"/> (kept with the row, as is whether it is
    /// <paramref name="critical"/>, for reconciliation and email fallback).
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(Notification notification, string? to, bool critical, DateTimeOffset now, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(notification.SubscriberId, notification.Id)
        {
            ["To"] = to,
            ["Critical"] = critical,
            ["Channel"] = notification.Channel,
            [RulesColumn] = RulesText(notification.Rules),

            // What was sent, so a carrier's later "undelivered" can still send it another way (email fallback).
            ["Text"] = notification.Text,
            ["CreatedAt"] = notification.CreatedAt,
            ["DeliverAt"] = notification.DeliverAt,
            ["Status"] = DeliveryStatus.Sending,
            ["Attempts"] = 1,
            ["ClaimedAt"] = now,
            ["UnfinishedSince"] = now,
            ["UpdatedAt"] = now,
        };
        try
        {
            var added = await tables.Deliveries.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new ClaimResult.Claimed(new DeliveryClaim(notification.SubscriberId, notification.Id, 1, added.Headers.ETag!.Value) { ClaimedAt = now });
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            // Someone recorded this notification before: decide from what they recorded.
        }

        var existing = (await tables.Deliveries.GetEntityAsync<TableEntity>(notification.SubscriberId, notification.Id, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var status = existing.GetString("Status") ?? DeliveryStatus.Sending;
        if (DeliveryStatus.IsFinal(status))
        {
            return new ClaimResult.AlreadySettled(status);
        }

        if (status == DeliveryStatus.Sending && existing.GetDateTimeOffset("ClaimedAt") is { } claimedAt && claimedAt + claimTimeout > now)
        {
            return new ClaimResult.HeldElsewhere();
        }

        // "UnfinishedSince" is when the earliest attempt whose outcome is still unknown began: a row left "sending"
        // keeps it (the provider may have taken any attempt since), a settled outcome starts it afresh.
        var unfinishedSince = status == DeliveryStatus.Sending ? existing.GetDateTimeOffset("UnfinishedSince") ?? existing.GetDateTimeOffset("ClaimedAt") : null;
        var unfinishedTo = unfinishedSince is null ? null : existing.GetString("To");
        var attempts = (existing.GetInt32("Attempts") ?? 0) + 1;
        var update = new TableEntity(notification.SubscriberId, notification.Id)
        {
            ["To"] = unfinishedTo ?? to,
            ["Critical"] = critical,
            ["Status"] = DeliveryStatus.Sending,
            ["Attempts"] = attempts,
            ["ClaimedAt"] = now,
            ["UnfinishedSince"] = unfinishedSince ?? now,
            ["UpdatedAt"] = now,
        };
        try
        {
            var updated = await tables.Deliveries.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new ClaimResult.Claimed(new DeliveryClaim(notification.SubscriberId, notification.Id, attempts, updated.Headers.ETag!.Value, unfinishedSince, unfinishedTo) { ClaimedAt = now });
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return new ClaimResult.HeldElsewhere();
        }
    }

    /// <summary>
    /// Gives up a claim whose attempt's outcome is still unknown: the row stays "sending" with its UnfinishedSince, so
    /// the next claim — at once, not after the claim timeout — asks the provider before anything else. False if the
    /// claim was lost meanwhile.
    /// </summary>
    /// <summary>
    /// Renews a claim just before the send it guards (after a long wait for the sender's turn), so no other dispatcher
    /// can take it over mid-send. Null if it was taken over meanwhile: the caller must not send.
    /// </summary>
    public async Task<DeliveryClaim?> RenewAsync(DeliveryClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var renewed = await tables.Deliveries.UpdateEntityAsync(new TableEntity(claim.SubscriberId, claim.NotificationId) { ["ClaimedAt"] = now }, claim.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return claim with { ETag = renewed.Headers.ETag!.Value, ClaimedAt = now };
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return null;
        }
    }

    /// <summary>The alert a delivery row was claimed for, as it was sent, and whether it was critical; null for a row without its text.</summary>
    public static (Notification Notification, bool Critical)? SentNotificationOf(TableEntity row) =>
        row.GetString("Text") is { Length: > 0 } text && row.GetDateTimeOffset("CreatedAt") is { } created
            ? (new Notification(row.RowKey, row.PartitionKey, ReadRules(row.GetString(RulesColumn)), row.GetString("Channel") ?? "",
                text, created, row.GetDateTimeOffset("DeliverAt"), row.GetBoolean("Critical") ?? false), row.GetBoolean("Critical") ?? false)
            : null;

    /// <summary>The column listing every rule and episode a delivery covers, "ruleId:episode,ruleId:episode".</summary>
    public const string RulesColumn = "Rules";

    public static string RulesText(IEnumerable<RuleEpisode> rules) =>
        string.Join(',', rules.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.RuleId}:{r.Episode}")));

    public static IReadOnlyList<RuleEpisode> ReadRules(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : text.Split(',').Select(part => part.Split(':')).Where(p => p.Length == 2)
                .Select(p => new RuleEpisode(p[0], int.TryParse(p[1], System.Globalization.CultureInfo.InvariantCulture, out var episode) ? episode : 0)).ToList();

    /// <summary>Whether a delivery row exists for the notification id (any status).</summary>
    public async Task<bool> ExistsAsync(string subscriberId, string notificationId, CancellationToken cancellationToken) =>
        (await tables.Deliveries.GetEntityIfExistsAsync<TableEntity>(subscriberId, notificationId, ["RowKey"], cancellationToken).ConfigureAwait(false)).HasValue;

    public async Task<bool> ReleaseUnknownAsync(DeliveryClaim claim, DateTimeOffset now, string error, CancellationToken cancellationToken)
    {
        var update = new TableEntity(claim.SubscriberId, claim.NotificationId)
        {
            ["ClaimedAt"] = DateTimeOffset.UnixEpoch,
            ["UpdatedAt"] = now,
            ["LastError"] = error.Length <= 1000 ? error : error[..1000],
        };
        try
        {
            await tables.Deliveries.UpdateEntityAsync(update, claim.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return false;
        }
    }

    /// <summary>Records the outcome of a claimed attempt. False if the claim was lost to another dispatcher meanwhile.</summary>
    public async Task<bool> RecordAsync(DeliveryClaim claim, string status, DateTimeOffset now, string? providerId = null, string? providerStatus = null, string? error = null, CancellationToken cancellationToken = default)
    {
        var update = new TableEntity(claim.SubscriberId, claim.NotificationId)
        {
            ["Status"] = status,
            ["UpdatedAt"] = now,
        };
        if (providerId is not null)
        {
            update["ProviderId"] = providerId;
            update["ProviderStatus"] = providerStatus;
            update["SentAt"] = now;
        }

        if (error is not null)
        {
            update["LastError"] = error.Length <= 1000 ? error : error[..1000];
        }

        try
        {
            await tables.Deliveries.UpdateEntityAsync(update, claim.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return false;
        }
    }

    /// <summary>
    /// Records a notification settled without a send attempt (suppressed, expired) and returns null; or, when an
    /// earlier copy of it was already settled (sent, failed, ...), leaves that record as it is and returns its status:
    /// this copy is a redelivery. A record an earlier attempt left "sending" is left as it is too and "sending" is
    /// returned: that attempt may have reached the provider, which must be asked before anything is recorded.
    /// </summary>
    public async Task<string?> RecordUnsentAsync(Notification notification, string status, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(notification.SubscriberId, notification.Id)
        {
            ["Channel"] = notification.Channel,
            [RulesColumn] = RulesText(notification.Rules),
            ["Status"] = status,
            ["Attempts"] = 0,
            ["LastError"] = reason,
            ["UpdatedAt"] = now,
        };
        try
        {
            await tables.Deliveries.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            // An earlier copy left a record: decide from it.
        }

        var existing = await tables.Deliveries.GetEntityIfExistsAsync<TableEntity>(notification.SubscriberId, notification.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue || existing.Value is not { } found)
        {
            // Deleted meanwhile (the subscriber erased their data): nothing to record against.
            return null;
        }

        if (found.GetString("Status") is { } known && (DeliveryStatus.IsFinal(known) || known == DeliveryStatus.Sending))
        {
            return known;
        }

        entity.Remove("Attempts");
        try
        {
            await tables.Deliveries.UpdateEntityAsync(entity, found.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            // Another dispatcher settled it meanwhile; what it recorded stands.
            return "settled by another dispatcher meanwhile";
        }
    }

    /// <summary>Deletes the records last updated before <paramref name="cutoff"/> (a filtered scan of the table). Returns how many went.</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        tables.Deliveries.DeleteWhereAsync(TableClient.CreateQueryFilter($"UpdatedAt lt {cutoff}"), cancellationToken);

    /// <summary>Removes every delivery record of the subscriber (their partition).</summary>
    public Task<int> DeleteAllAsync(string subscriberId, CancellationToken cancellationToken) =>
        tables.Deliveries.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"), cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var records = new List<DeliveryRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}");
        await foreach (var row in tables.Deliveries.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(new DeliveryRecord(
                row.PartitionKey,
                row.RowKey,
                row.GetString("Channel") ?? "",
                row.GetString("Status") ?? "",
                row.GetInt32("Attempts") ?? 0,
                row.GetString("ProviderId"),
                row.GetString("ProviderStatus"),
                row.GetString("LastError"),
                row.GetDateTimeOffset("ClaimedAt"),
                row.GetDateTimeOffset("SentAt"),
                row.GetDateTimeOffset("UpdatedAt") ?? default));
        }

        return records;
    }
}
