using Azure;
using Azure.Data.Tables;

namespace DeRisk.Storage;

/// <summary>
/// A named lease in a table row, so that one instance of the app at a time does a job (the market backfill): the row
/// holds its owner and when it expires (wall clock), and every change to it is conditional on the ETag read. Taken when
/// the row is absent (insert: one of two racing inserts gets 409) or expired (ETag-conditional replace: one of two
/// racing takeovers gets 412); renewed by its holder while it works; released (deleted, ETag-conditional) when done. A
/// holder that dies leaves a row that expires, so the job is never blocked for longer than the lease.
/// </summary>
public sealed class TableLease(TableClient table, string partition, string name, TimeProvider wallClock)
{
    private ETag _etag;

    public string Name => name;

    /// <summary>Takes the lease for <paramref name="duration"/> if it is free or expired; otherwise says who holds it until when.</summary>
    public async Task<LeaseOutcome> TryAcquireAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = wallClock.GetUtcNow();
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var row = Row(owner, now + duration);
        try
        {
            if (!existing.HasValue || existing.Value is not { } held)
            {
                _etag = (await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
                return LeaseOutcome.Taken;
            }

            if (held.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now && held.GetString("Owner") != owner)
            {
                return LeaseOutcome.HeldBy(held.GetString("Owner") ?? "?", expires);
            }

            _etag = (await table.UpdateEntityAsync(row, held.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return LeaseOutcome.Taken;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            // Another instance took it between our read and our write.
            var winner = await table.GetEntityIfExistsAsync<TableEntity>(partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return winner.HasValue && winner.Value is { } taken
                ? LeaseOutcome.HeldBy(taken.GetString("Owner") ?? "?", taken.GetDateTimeOffset("ExpiresAt") ?? now)
                : LeaseOutcome.HeldBy("?", now);
        }
    }

    /// <summary>Extends a lease this owner holds; false when it was lost (expired and taken over), so the work must stop.</summary>
    public async Task<bool> RenewAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        try
        {
            _etag = (await table.UpdateEntityAsync(Row(owner, wallClock.GetUtcNow() + duration), _etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == StorageStatus.NotFound)
        {
            return false;
        }
    }

    /// <summary>Gives the lease up (only if this owner still holds it as last written).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, name, _etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == StorageStatus.NotFound)
        {
            // Taken over after it expired, or gone: nothing of ours to release.
        }
    }

    private TableEntity Row(string owner, DateTimeOffset expiresAt) => new(partition, name) { ["Owner"] = owner, ["ExpiresAt"] = expiresAt };
}
