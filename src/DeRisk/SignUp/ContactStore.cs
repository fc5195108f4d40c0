using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.SignUp;

/// <summary>
/// Who owns each phone number and email address, and the pending confirmation code for it. Partition =
/// "{channel}:{SHA-256 of the address}"; row "owner" holds the subscriber id — written only when a code for the
/// address is confirmed, so an address someone merely typed belongs to nobody — and row "code" a salted hash of the
/// code, the subscriber it was issued for, what it proves (<see cref="CodePurpose"/>), its expiry and the tries left.
/// A code is single-use: the row is deleted when it is confirmed. A newer code for an address replaces the older one.
/// </summary>
public sealed class ContactStore(DeRiskTables tables)
{
    private const string OwnerRow = "owner";
    private const string CodeRow = "code";

    /// <summary>The address's partition key, and the key its anti-abuse counters use: case-insensitive, hashed.</summary>
    public static string Key(string channel, string address) => channel + ":" + Hashing.Sha256Hex(address.ToLowerInvariant());

    /// <summary>The subscriber who holds the address, or null.</summary>
    public async Task<string?> OwnerAsync(string channel, string address, CancellationToken cancellationToken)
    {
        var row = await tables.Contacts.GetEntityIfExistsAsync<TableEntity>(Key(channel, address), OwnerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("SubscriberId") : null;
    }

    /// <summary>Claims the address for the subscriber; returns the owner afterwards (another subscriber's id if it won a race).</summary>
    public async Task<string> ClaimAsync(string channel, string address, string subscriberId, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Contacts.AddEntityAsync(new TableEntity(Key(channel, address), OwnerRow) { ["SubscriberId"] = subscriberId }, cancellationToken).ConfigureAwait(false);
            return subscriberId;
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            return await OwnerAsync(channel, address, cancellationToken).ConfigureAwait(false) ?? subscriberId;
        }
    }

    /// <summary>
    /// Issues a fresh 6-digit code for the address (replacing any earlier one) and returns it; only its hash is stored,
    /// with the hash of the sign-up id it was issued with, if any.
    /// </summary>
    public async Task<string> IssueCodeAsync(string channel, string address, string subscriberId, CodePurpose purpose, string? signUpHash, DateTimeOffset expiresAt, int tries, CancellationToken cancellationToken)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var entity = new TableEntity(Key(channel, address), CodeRow)
        {
            ["SubscriberId"] = subscriberId,
            ["Purpose"] = purpose.ToString(),
            ["SignUpHash"] = signUpHash ?? "",
            ["Salt"] = salt,
            ["CodeHash"] = Hashing.Salted(salt, code),
            ["ExpiresAt"] = expiresAt,
            ["TriesLeft"] = tries,
        };
        await tables.Contacts.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// Checks a code: a match consumes it; a miss spends one try (the last one voids it). ETag-guarded against parallel
    /// guesses. A code issued for another purpose, or (with <paramref name="forSubscriber"/>) for another subscriber,
    /// is no code at all here: it is neither consumed nor spent.
    /// </summary>
    public async Task<CodeCheck> CheckCodeAsync(string channel, string address, string code, CodePurpose purpose, string? forSubscriber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = Key(channel, address);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var found = await tables.Contacts.GetEntityIfExistsAsync<TableEntity>(key, CodeRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } row)
            {
                return new CodeCheck.NoLiveCode();
            }

            var rowPurpose = Enum.TryParse<CodePurpose>(row.GetString("Purpose"), out var parsed) ? parsed : CodePurpose.SignUp;
            if (rowPurpose != purpose || (forSubscriber is not null && row.GetString("SubscriberId") != forSubscriber))
            {
                return new CodeCheck.NoLiveCode();
            }

            var triesLeft = row.GetInt32("TriesLeft") ?? 0;
            if (!IsLive(row, now))
            {
                await DeleteQuietlyAsync(key, row.ETag, cancellationToken).ConfigureAwait(false);
                return new CodeCheck.NoLiveCode();
            }

            try
            {
                if (Hashing.FixedTimeEquals(Hashing.Salted(row.GetString("Salt") ?? "", code), row.GetString("CodeHash") ?? ""))
                {
                    await tables.Contacts.DeleteEntityAsync(key, CodeRow, row.ETag, cancellationToken).ConfigureAwait(false);
                    return new CodeCheck.Confirmed(row.GetString("SubscriberId")!, rowPurpose, row.GetString("SignUpHash") is { Length: > 0 } signUp ? signUp : null);
                }

                if (triesLeft == 1)
                {
                    await tables.Contacts.DeleteEntityAsync(key, CodeRow, row.ETag, cancellationToken).ConfigureAwait(false);
                    return new CodeCheck.Wrong(0);
                }

                await tables.Contacts.UpdateEntityAsync(new TableEntity(key, CodeRow) { ["TriesLeft"] = triesLeft - 1 }, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new CodeCheck.Wrong(triesLeft - 1);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == StorageStatus.NotFound)
            {
                // Another guess changed the row first: read it again, so no guess goes uncounted.
            }
        }

        return new CodeCheck.NoLiveCode();
    }

    /// <summary>
    /// Forgets what ties the address to this subscriber: its owner row if they own it, its code row if the code was
    /// issued for them. Another subscriber's ownership or pending code for the same address is left alone (a sign-up
    /// may name an address somebody else holds).
    /// </summary>
    public async Task ForgetAsync(string channel, string address, string subscriberId, CancellationToken cancellationToken)
    {
        var key = Key(channel, address);
        await foreach (var row in tables.Contacts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {key}"), select: ["RowKey", "SubscriberId"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("SubscriberId") == subscriberId)
            {
                try
                {
                    await tables.Contacts.DeleteEntityAsync(key, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == StorageStatus.NotFound)
                {
                    // Changed meanwhile (a newer code for someone else): it is no longer this subscriber's.
                }
            }
        }
    }

    /// <summary>Voids the address's code if it was issued for this subscriber (another's newer code stays).</summary>
    public async Task VoidCodeAsync(string channel, string address, string subscriberId, CancellationToken cancellationToken)
    {
        var key = Key(channel, address);
        var row = await tables.Contacts.GetEntityIfExistsAsync<TableEntity>(key, CodeRow, ["SubscriberId"], cancellationToken).ConfigureAwait(false);
        if (row.HasValue && row.Value!.GetString("SubscriberId") == subscriberId)
        {
            await DeleteQuietlyAsync(key, row.Value.ETag, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a code issued for this subscriber is still live for the address (issued and not yet expired, used or out of tries).</summary>
    public async Task<bool> HasLiveCodeAsync(string channel, string address, string subscriberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await tables.Contacts.GetEntityIfExistsAsync<TableEntity>(Key(channel, address), CodeRow, ["SubscriberId", "ExpiresAt", "TriesLeft"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("SubscriberId") == subscriberId && IsLive(row.Value!, now);
    }

    /// <summary>A code row is live until it expires or runs out of tries.</summary>
    private static bool IsLive(TableEntity codeRow, DateTimeOffset now) =>
        (codeRow.GetInt32("TriesLeft") ?? 0) > 0 && codeRow.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now;

    /// <summary>
    /// Deletes the code rows that expired before <paramref name="now"/>, each only if unchanged since it was read (a code
    /// issued again meanwhile stays). This is also what removes a pending address of a subscriber who deleted their
    /// data: it lives only in its code row. Returns how many rows it deleted.
    /// </summary>
    public async Task<int> DeleteExpiredCodesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = new List<(string Key, ETag ETag)>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {CodeRow} and ExpiresAt lt {now}");
        await foreach (var row in tables.Contacts.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            expired.Add((row.PartitionKey, row.ETag));
        }

        var deleted = 0;
        foreach (var (key, etag) in expired)
        {
            deleted += await DeleteQuietlyAsync(key, etag, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    private async Task<bool> DeleteQuietlyAsync(string key, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Contacts.DeleteEntityAsync(key, CodeRow, etag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == StorageStatus.NotFound)
        {
            // Someone else settled it.
            return false;
        }
    }
}
