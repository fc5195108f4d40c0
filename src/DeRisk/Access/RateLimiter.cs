using System.Globalization;
using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.Access;

/// <summary>The outcome of asking for a unit of a limit: allowed, or when to try again.</summary>
public readonly record struct LimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Fixed-window counters in Table Storage, shared by every instance of the app (an in-memory limiter would reset per
/// instance and let a scaled-out app be pumped N times over). Row = the window's start; the key is hashed, so phone
/// numbers and addresses never appear in the table. Increments are ETag-guarded.
/// </summary>
public sealed class RateLimiter(DeRiskTables tables, TimeProvider time)
{
    public async Task<LimitDecision> TryAcquireAsync(string limit, string key, int max, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var retryAfter = windowStart + window - now;
        var partition = limit + ":" + Hashing.Sha256Hex(key)[..32];
        var row = windowStart.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var found = await tables.Limits.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!found.HasValue || found.Value is not { } counter)
                {
                    await tables.Limits.AddEntityAsync(new TableEntity(partition, row) { ["Count"] = 1, ["ExpiresAt"] = windowStart + window }, cancellationToken).ConfigureAwait(false);
                    return new LimitDecision(true, TimeSpan.Zero);
                }

                var count = counter.GetInt32("Count") ?? 0;
                if (count >= max)
                {
                    return new LimitDecision(false, retryAfter);
                }

                await tables.Limits.UpdateEntityAsync(new TableEntity(partition, row) { ["Count"] = count + 1 }, counter.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new LimitDecision(true, TimeSpan.Zero);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Another request counted first: count again on the fresh row.
            }
        }

        // Heavy contention on one key is itself a sign of abuse.
        return new LimitDecision(false, retryAfter);
    }
}
