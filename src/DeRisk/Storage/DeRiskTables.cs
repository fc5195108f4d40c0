using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace DeRisk.Storage;

/// <summary>The tables DeRisk uses, named with the configured prefix. One long-lived client per table.</summary>
public sealed class DeRiskTables
{
    public DeRiskTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        var prefix = options.Value.TablePrefix;
        Subscribers = service.GetTableClient(prefix + "Subscribers");
        AlertStates = service.GetTableClient(prefix + "AlertStates");
        MarketHistory = service.GetTableClient(prefix + "MarketHistory");
        MarketSnapshots = service.GetTableClient(prefix + "MarketSnapshots");
        MarketDaily = service.GetTableClient(prefix + "MarketDaily");
        Deliveries = service.GetTableClient(prefix + "Deliveries");
        Contacts = service.GetTableClient(prefix + "Contacts");
        Tokens = service.GetTableClient(prefix + "Tokens");
        Limits = service.GetTableClient(prefix + "Limits");
        InboundMessages = service.GetTableClient(prefix + "InboundMessages");
    }

    /// <summary>Partition = shard; row = subscriber id (profile) or "{subscriberId}|r|{ruleId}" (rule).</summary>
    public TableClient Subscribers { get; }

    /// <summary>Partition = shard; row = "{subscriberId}|{ruleId}". Written on transitions only.</summary>
    public TableClient AlertStates { get; }

    /// <summary>Partition = asset symbol; row = newest-first key of the value's as-of time.</summary>
    public TableClient MarketHistory { get; }

    /// <summary>Partition = "snapshot"; row = newest-first key of the poll time.</summary>
    public TableClient MarketSnapshots { get; }

    /// <summary>Partition = asset symbol; row = newest-first key of the UTC day: that day's high and last value.</summary>
    public TableClient MarketDaily { get; }

    /// <summary>Partition = subscriber id; row = notification id.</summary>
    public TableClient Deliveries { get; }

    /// <summary>
    /// Partition = "{channel}:{SHA-256 of the address}"; row "owner" = the subscriber who confirmed it, row "code" = the
    /// pending confirmation code (hash, the subscriber and purpose it was issued for, expiry, tries left). Addresses are keyed by hash so any address is a valid key.
    /// </summary>
    public TableClient Contacts { get; }

    /// <summary>Partition = subscriber id; row = SHA-256 of the token's secret part. Revoked tokens stay, marked.</summary>
    public TableClient Tokens { get; }

    /// <summary>Partition = "{limit}:{hashed key}"; row = the window's start: request counters for anti-abuse limits.</summary>
    public TableClient Limits { get; }

    /// <summary>
    /// Partition = the first two hex digits of the row; row = SHA-256 of an inbound SMS's MessageSid: the messages
    /// already acted on, so a replayed webhook changes nothing.
    /// </summary>
    public TableClient InboundMessages { get; }

    public IEnumerable<TableClient> All => [Subscribers, AlertStates, MarketHistory, MarketSnapshots, MarketDaily, Deliveries, Contacts, Tokens, Limits, InboundMessages];

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Status codes the stores handle; everything else propagates.</summary>
internal static class StorageStatus
{
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int PreconditionFailed = 412;

    public static bool IsConcurrencyConflict(this RequestFailedException ex) =>
        ex.Status is Conflict or PreconditionFailed;
}
