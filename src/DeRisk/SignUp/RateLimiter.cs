using System.Globalization;
using Azure;
using Azure.Data.Tables;
using DeRisk.Hosting;
using DeRisk.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.SignUp;

/// <summary>
/// Fixed-window counters in Table Storage, shared by every instance of the app (an in-memory limiter would reset per
/// instance and let a scaled-out app be pumped N times over). Row = the window's start; the key is hashed, so phone
/// numbers and addresses never appear in the table. Increments are ETag-guarded.
/// </summary>
public sealed class RateLimiter(DeRiskTables tables, [FromKeyedServices(Clocks.Wall)] TimeProvider time)
{
    /// <summary>
    /// Takes one unit of every limit, or none: when any of them is used up nothing is counted, so a refused request
    /// costs the caller nothing. Returns the first limit that refused (null when all were taken) and when to retry.
    /// (Two requests racing for the last unit of one limit while another of theirs is taken may both be refused.)
    /// </summary>
    public async Task<(LimitRequest? Refused, TimeSpan RetryAfter)> TryAcquireAllAsync(IReadOnlyList<LimitRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var request in requests)
        {
            var (partition, row, _, retryAfter) = Locate(request.Limit, request.Key, request.Window);
            var found = await tables.Limits.GetEntityIfExistsAsync<TableEntity>(partition, row, ["Count"], cancellationToken).ConfigureAwait(false);
            if (found.HasValue && (found.Value!.GetInt32("Count") ?? 0) >= request.Max)
            {
                return (request, retryAfter);
            }
        }

        foreach (var request in requests)
        {
            var decision = await TryAcquireAsync(request.Limit, request.Key, request.Max, request.Window, cancellationToken).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                return (request, decision.RetryAfter);
            }
        }

        return (null, TimeSpan.Zero);
    }

    public async Task<LimitDecision> TryAcquireAsync(string limit, string key, int max, TimeSpan window, CancellationToken cancellationToken)
    {
        var (partition, row, windowEnd, retryAfter) = Locate(limit, key, window);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var found = await tables.Limits.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!found.HasValue || found.Value is not { } counter)
                {
                    await tables.Limits.AddEntityAsync(new TableEntity(partition, row) { ["Count"] = 1, ["ExpiresAt"] = windowEnd }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The counter row of the current fixed window for the key, the window's end and the time left until it.</summary>
    private (string Partition, string Row, DateTimeOffset WindowEnd, TimeSpan RetryAfter) Locate(string limit, string key, TimeSpan window)
    {
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        return (limit + ":" + Hashing.Sha256Hex(key)[..32], windowStart.UtcTicks.ToString("D19", CultureInfo.InvariantCulture), windowStart + window, windowStart + window - now);
    }
}
