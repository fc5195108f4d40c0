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
            await SaveDailyAsync(quote.Asset, quote.AsOf.Value, quote.Value.Value, cancellationToken).ConfigureAwait(false);
        }

        var row = new TableEntity(SnapshotPartition, RowKeys.NewestFirst(snapshot.TakenAt))
        {
            ["TakenAt"] = snapshot.TakenAt,
            ["Quotes"] = JsonSerializer.Serialize(snapshot.Quotes, MarketJson.Options),
        };
        await tables.MarketSnapshots.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Folds a value into its day's row: the high only rises; the close is the value with the latest as-of.</summary>
    private async Task SaveDailyAsync(string asset, DateTimeOffset asOf, double value, CancellationToken cancellationToken)
    {
        var day = Assets.DayOf(asOf);
        var key = DayKey(day);
        var existing = await tables.MarketDaily.GetEntityIfExistsAsync<TableEntity>(asset, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(asset, key) { ["High"] = value, ["Close"] = value, ["CloseAsOf"] = asOf };
        if (existing.HasValue && existing.Value is { } known)
        {
            row["High"] = Math.Max(value, known.GetDouble("High") ?? value);
            if (known.GetDateTimeOffset("CloseAsOf") is { } knownAsOf && knownAsOf > asOf)
            {
                row["Close"] = known.GetDouble("Close");
                row["CloseAsOf"] = knownAsOf;
            }

            try
            {
                await tables.MarketDaily.UpdateEntityAsync(row, known.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // A concurrent poll folded the same day meanwhile; its values came from the same source.
            }

            return;
        }

        try
        {
            await tables.MarketDaily.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            // A concurrent poll created the day first.
        }
    }

    /// <summary>The daily rows of one asset for days in [from, to], oldest first.</summary>
    public async Task<DailyPoint[]> ReadDailyAsync(string asset, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {asset} and RowKey ge {DayKey(to)} and RowKey le {DayKey(from)}");
        var points = new List<DailyPoint>();
        await foreach (var row in tables.MarketDaily.QueryAsync<TableEntity>(filter, select: ["RowKey", "High", "Close"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            points.Add(new DailyPoint(Assets.DayOf(DateTimeOffset.MaxValue.AddTicks(-long.Parse(row.RowKey, System.Globalization.CultureInfo.InvariantCulture))), row.GetDouble("High")!.Value, row.GetDouble("Close")!.Value));
        }

        points.Reverse();
        return [.. points];
    }

    private static string DayKey(DateOnly day) => RowKeys.NewestFirst(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    /// <summary>Records the last tick's summary (one row, overwritten) for the operators' health endpoint.</summary>
    public Task SaveTickAsync(TickSummary tick, CancellationToken cancellationToken) =>
        tables.MarketSnapshots.UpsertEntityAsync(new TableEntity(TickPartition, TickRow)
        {
            ["StartedAt"] = tick.StartedAt,
            ["DurationMs"] = tick.Duration.TotalMilliseconds,
            ["Subscribers"] = tick.Subscribers,
            ["Notifications"] = tick.Notifications,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<TickSummary?> LastTickAsync(CancellationToken cancellationToken)
    {
        var row = await tables.MarketSnapshots.GetEntityIfExistsAsync<TableEntity>(TickPartition, TickRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } tick
            ? new TickSummary(tick.GetDateTimeOffset("StartedAt") ?? default, TimeSpan.FromMilliseconds(tick.GetDouble("DurationMs") ?? 0), tick.GetInt32("Subscribers") ?? 0, tick.GetInt32("Notifications") ?? 0)
            : null;
    }

    private const string TickPartition = "tick";
    private const string TickRow = "last";

    /// <summary>
    /// Deletes the polled points of <paramref name="assets"/> and the snapshots older than <paramref name="cutoff"/>: a
    /// range of each newest-first partition, in batch transactions. Daily rows stay. Returns how many rows went.
    /// </summary>
    public async Task<int> DeleteOlderThanAsync(IEnumerable<string> assets, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var olderThan = RowKeys.NewestFirst(cutoff);
        var deleted = 0;
        foreach (var asset in assets)
        {
            deleted += await tables.MarketHistory.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {asset} and RowKey gt {olderThan}"), cancellationToken).ConfigureAwait(false);
        }

        deleted += await tables.MarketSnapshots.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {SnapshotPartition} and RowKey gt {olderThan}"), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>The snapshot taken at exactly this time (one point read), or null.</summary>
    public async Task<MarketSnapshot?> SnapshotAtAsync(DateTimeOffset takenAt, CancellationToken cancellationToken)
    {
        var row = await tables.MarketSnapshots.GetEntityIfExistsAsync<TableEntity>(SnapshotPartition, RowKeys.NewestFirst(takenAt), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } found ? ToSnapshot(found) : null;
    }

    public async Task<MarketSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SnapshotPartition}");
        await foreach (var row in tables.MarketSnapshots.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return ToSnapshot(row);
        }

        return null;
    }

    private static MarketSnapshot ToSnapshot(TableEntity row) =>
        new(row.GetDateTimeOffset("TakenAt")!.Value, JsonSerializer.Deserialize<List<SnapshotQuote>>(row.GetString("Quotes"), MarketJson.Options) ?? []);

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
