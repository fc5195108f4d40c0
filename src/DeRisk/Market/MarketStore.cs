using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.Market;

/// <summary>Snapshots (newest first, one partition) and per-asset history (partition = asset, newest-first rows).</summary>
public sealed class MarketStore(DeRiskTables tables)
{
    private const string SnapshotPartition = "snapshot";

    public async Task SaveAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        // History first: a snapshot is only ever read after the points it refers to exist.
        foreach (var quote in snapshot.Quotes.Where(q => q.Status == QuoteStatus.Ok))
        {
            var entity = new TableEntity(quote.Asset, RowKeys.NewestFirst(quote.AsOf!.Value))
            {
                ["Value"] = quote.Value!.Value,
                ["AsOf"] = quote.AsOf.Value,
                ["Source"] = quote.Source,
            };

            // The row key is the value's own as-of time: polling the same value twice writes the same row.
            await tables.MarketHistory.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        var row = new TableEntity(SnapshotPartition, RowKeys.NewestFirst(snapshot.TakenAt))
        {
            ["TakenAt"] = snapshot.TakenAt,
            ["Quotes"] = JsonSerializer.Serialize(snapshot.Quotes, MarketJson.Options),
        };
        await tables.MarketSnapshots.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MarketSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SnapshotPartition}");
        await foreach (var row in tables.MarketSnapshots.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var quotes = JsonSerializer.Deserialize<List<SnapshotQuote>>(row.GetString("Quotes"), MarketJson.Options) ?? [];
            return new MarketSnapshot(row.GetDateTimeOffset("TakenAt")!.Value, quotes);
        }

        return null;
    }

    /// <summary>The stored points of one asset with as-of in [from, to], oldest first.</summary>
    public async Task<HistoryPoint[]> ReadHistoryAsync(string asset, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var newest = RowKeys.NewestFirst(to);
        var oldest = RowKeys.NewestFirst(from);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {asset} and RowKey ge {newest} and RowKey le {oldest}");
        var points = new List<HistoryPoint>();
        await foreach (var row in tables.MarketHistory.QueryAsync<TableEntity>(filter, select: ["Value", "AsOf"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            points.Add(new HistoryPoint(row.GetDateTimeOffset("AsOf")!.Value, row.GetDouble("Value")!.Value));
        }

        points.Reverse();
        return [.. points];
    }
}

internal static class MarketJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
