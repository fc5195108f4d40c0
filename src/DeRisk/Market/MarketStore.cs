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

    /// <summary>
    /// Stores backfilled daily values of one asset in the tables the poller writes: each point a history row (only those
    /// a tick can still read: as of <paramref name="historyFrom"/> or later; older ones housekeeping would delete) and its
    /// day's row. A day already stored is left as it is, except the last two, which polls may be filling: the point is
    /// folded into them as a polled value would be. Returns how many days were written.
    /// </summary>
    public async Task<int> SaveBackfillAsync(string asset, IReadOnlyList<SourceQuote> points, IReadOnlySet<DateOnly> storedDays, DateOnly today, DateTimeOffset historyFrom, CancellationToken cancellationToken)
    {
        await SaveHistoryAsync(asset, [.. points.Where(p => p.AsOf >= historyFrom)], cancellationToken).ConfigureAwait(false);
        var written = 0;
        var days = points.GroupBy(p => Assets.DayOf(p.AsOf)).Where(d => d.Key <= today).ToList();
        foreach (var recent in days.Where(d => d.Key >= today.AddDays(-1)))
        {
            foreach (var point in recent)
            {
                await SaveDailyAsync(asset, point.AsOf, point.Value, cancellationToken).ConfigureAwait(false);
            }

            written++;
        }

        var older = days.Where(d => d.Key < today.AddDays(-1) && !storedDays.Contains(d.Key)).ToList();
        foreach (var batch in older.Chunk(100))
        {
            var rows = batch.Select(d =>
            {
                var close = d.MaxBy(p => p.AsOf)!;
                return new TableEntity(asset, DayKey(d.Key)) { ["High"] = d.Max(p => p.Value), ["Close"] = close.Value, ["CloseAsOf"] = close.AsOf };
            }).ToList();
            try
            {
                await tables.MarketDaily.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == StorageStatus.Conflict)
            {
                // Another instance backfilled some of these days meanwhile: fold them one by one (idempotent).
                foreach (var point in batch.SelectMany(d => d))
                {
                    await SaveDailyAsync(asset, point.AsOf, point.Value, cancellationToken).ConfigureAwait(false);
                }
            }

            written += batch.Length;
        }

        return written;
    }

    /// <summary>
    /// Stores points of one asset as history rows, where the poller writes its own (the row key is the as-of time, so a
    /// point written twice is one row), in batch transactions of 100. Daily rows are not touched.
    /// </summary>
    public async Task SaveHistoryAsync(string asset, IReadOnlyList<SourceQuote> points, CancellationToken cancellationToken)
    {
        var rows = points.DistinctBy(p => RowKeys.NewestFirst(p.AsOf)).Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(asset, RowKeys.NewestFirst(p.AsOf)) { ["Value"] = p.Value, ["AsOf"] = p.AsOf, ["Source"] = p.Source }));
        foreach (var batch in rows.Chunk(100))
        {
            await tables.MarketHistory.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the backfill already asked a provider for, for one asset (null: never).</summary>
    public async Task<BackfillMark?> ReadBackfillMarkAsync(string asset, CancellationToken cancellationToken)
    {
        var row = await tables.MarketSnapshots.GetEntityIfExistsAsync<TableEntity>(BackfillPartition, asset, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } mark)
        {
            return null;
        }

        DateOnly? Day(string name) => mark.GetString(name) is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;
        return new BackfillMark(Day("CoveredFrom"), Day("CoveredTo"), mark.GetDateTimeOffset("FailedAt"), mark.GetString("Error"))
        {
            FirstDay = Day("FirstDay"),
            CallsDay = Day("CallsDay"),
            Calls = mark.GetInt32("Calls") ?? 0,
        };
    }

    /// <summary>
    /// Saves an asset's backfill mark. Every backfill write to an asset's daily rows is followed by this, so the mark's
    /// ETag changes whenever older rows may have: the market view's cache of settled days is keyed by it.
    /// </summary>
    public Task SaveBackfillMarkAsync(string asset, BackfillMark mark, CancellationToken cancellationToken)
    {
        static string? Text(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return tables.MarketSnapshots.UpsertEntityAsync(new TableEntity(BackfillPartition, asset)
        {
            ["CoveredFrom"] = Text(mark.CoveredFrom),
            ["CoveredTo"] = Text(mark.CoveredTo),
            ["FailedAt"] = mark.FailedAt,
            ["Error"] = mark.Error,
            ["FirstDay"] = Text(mark.FirstDay),
            ["CallsDay"] = Text(mark.CallsDay),
            ["Calls"] = mark.Calls,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Each asset's backfill mark version (its ETag), in one query of the marks' partition: what the view's daily cache is keyed by.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadBackfillVersionsAsync(CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var row in tables.MarketSnapshots.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BackfillPartition}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            versions[row.RowKey] = row.ETag.ToString();
        }

        return versions;
    }

    /// <summary>The lease that lets one instance at a time run the backfill (a row beside the marks).</summary>
    public TableLease BackfillLease(TimeProvider wallClock) => new(tables.MarketSnapshots, "lease", "backfill", wallClock);

    private const string BackfillPartition = "backfill";

    /// <summary>A source's state as the last poll left it (null: never polled).</summary>
    public async Task<SourceState?> ReadSourceStateAsync(string source, CancellationToken cancellationToken)
    {
        var row = await tables.MarketSnapshots.GetEntityIfExistsAsync<TableEntity>(SourcePartition, source, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } state ? ToSourceState(state) : null;
    }

    /// <summary>Every source's state, by name.</summary>
    public async Task<IReadOnlyDictionary<string, SourceState>> ReadSourceStatesAsync(CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, SourceState>(StringComparer.Ordinal);
        await foreach (var row in tables.MarketSnapshots.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SourcePartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            states[row.RowKey] = ToSourceState(row);
        }

        return states;
    }

    public Task SaveSourceStateAsync(SourceState state, CancellationToken cancellationToken) =>
        tables.MarketSnapshots.UpsertEntityAsync(new TableEntity(SourcePartition, state.Source)
        {
            ["State"] = state.State.ToString(),
            ["Since"] = state.Since,
            ["LastError"] = state.LastError,
            ["LastErrorAt"] = state.LastErrorAt,
        }, TableUpdateMode.Replace, cancellationToken);

    private static SourceState ToSourceState(TableEntity row) => new(
        row.RowKey,
        Enum.TryParse<SourceStatus>(row.GetString("State"), out var status) ? status : SourceStatus.Ok,
        row.GetDateTimeOffset("Since") ?? default,
        row.GetString("LastError"),
        row.GetDateTimeOffset("LastErrorAt"));

    private const string SourcePartition = "source";

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
