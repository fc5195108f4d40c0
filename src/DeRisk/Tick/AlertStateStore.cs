using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;

namespace DeRisk.Tick;

/// <summary>Alert states: partition = shard, row = "{subscriberId}|{ruleId}"; written on transitions only, with ETags.</summary>
public sealed class AlertStateStore(DeRiskTables tables)
{
    private const string BudgetRow = "$budget";

    public Task<ShardAlerts> ReadShardAsync(string shard, CancellationToken cancellationToken) =>
        ReadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {shard}"), cancellationToken);

    /// <summary>One subscriber's states and budget: a range read within the shard.</summary>
    public Task<ShardAlerts> ReadSubscriberAsync(string shard, string subscriberId, CancellationToken cancellationToken) =>
        ReadAsync(SubscriberFilter(shard, subscriberId), cancellationToken);

    /// <summary>
    /// Starts a rule's lifecycle over (the rule was replaced): ok, nothing pending or held, but the episode count kept,
    /// so the replaced rule's next alert is a new episode with a new notification id (an id already delivered is
    /// dropped by the dispatcher as a duplicate). ETag-guarded against a tick writing the row meanwhile.
    /// </summary>
    public async Task RestartAsync(string shard, string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = (await ReadSubscriberAsync(shard, subscriberId, cancellationToken).ConfigureAwait(false)).States
                .GetValueOrDefault(Key(subscriberId, ruleId));
            if (current is null)
            {
                return;
            }

            var restarted = AlertState.Initial(subscriberId, ruleId) with { Episode = current.Episode, ETag = current.ETag };
            if (await TryWriteAsync(shard, restarted, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The alert state of rule {ruleId} kept changing; it was not restarted.");
    }

    /// <summary>Removes one rule's state (the rule was deleted), or all of a subscriber's rows when <paramref name="ruleId"/> is null.</summary>
    public async Task<int> DeleteAsync(string shard, string subscriberId, string? ruleId, CancellationToken cancellationToken)
    {
        if (ruleId is null)
        {
            return await tables.AlertStates.DeleteWhereAsync(SubscriberFilter(shard, subscriberId), cancellationToken).ConfigureAwait(false);
        }

        var response = await tables.AlertStates.DeleteEntityAsync(shard, Key(subscriberId, ruleId), ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status == StorageStatus.NotFound ? 0 : 1;
    }

    private static string SubscriberFilter(string shard, string subscriberId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {shard} and RowKey gt {subscriberId + "|"} and RowKey lt {subscriberId + "|~"}");

    private async Task<ShardAlerts> ReadAsync(string filter, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, AlertState>(StringComparer.Ordinal);
        var budgets = new Dictionary<string, DailyBudget>(StringComparer.Ordinal);
        await foreach (var row in tables.AlertStates.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var split = row.RowKey.IndexOf('|', StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }

            if (row.RowKey.AsSpan(split + 1).SequenceEqual(BudgetRow))
            {
                budgets[row.RowKey[..split]] = new DailyBudget(
                    DateOnly.ParseExact(row.GetString("Day"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    row.GetInt32("Sent") ?? 0,
                    row.ETag);
                continue;
            }

            states[row.RowKey] = new AlertState(
                row.RowKey[..split],
                row.RowKey[(split + 1)..],
                Enum.TryParse<AlertStatus>(row.GetString("Status"), out var status) ? status : AlertStatus.Ok,
                row.GetInt32("Episode") ?? 0,
                row.GetDateTimeOffset("ChangedAt") ?? default,
                row.GetDouble("Observed"),
                row.ETag,
                row.GetDateTimeOffset("PendingSince"),
                row.GetDateTimeOffset("LastNotifiedAt"),
                row.GetInt32("Repeats") ?? 0,
                row.GetInt32("Step") ?? 0,
                row.GetDouble("FiredObserved"),
                row.GetString("AtAlert"),
                row.GetDateTimeOffset("HeldSince"),
                Enum.TryParse<HoldReason>(row.GetString("Held"), out var held) ? held : HoldReason.None,
                row.GetString("HeldLine"));
        }

        return new ShardAlerts(states, budgets);
    }

    /// <summary>Writes a subscriber's daily budget: insert, or update only if unchanged since read.</summary>
    public async Task<bool> TryWriteBudgetAsync(string shard, string subscriberId, DailyBudget budget, CancellationToken cancellationToken) =>
        await TryAddOrUpdateAsync(ToEntity(shard, subscriberId, budget), budget.ETag, cancellationToken).ConfigureAwait(false);

    public static string Key(string subscriberId, string ruleId) => subscriberId + "|" + ruleId;

    /// <summary>Writes a transition: insert when there was no row, else update only if the row is unchanged since read.</summary>
    public async Task<bool> TryWriteAsync(string shard, AlertState next, CancellationToken cancellationToken) =>
        await TryAddOrUpdateAsync(ToEntity(shard, next), next.ETag, cancellationToken).ConfigureAwait(false);

    public static TableEntity ToEntity(string shard, AlertState next) => new(shard, Key(next.SubscriberId, next.RuleId))
    {
        ["Status"] = next.Status.ToString(),
        ["Episode"] = next.Episode,
        ["ChangedAt"] = next.ChangedAt,
        ["Observed"] = next.Observed,
        ["PendingSince"] = next.PendingSince,
        ["LastNotifiedAt"] = next.LastNotifiedAt,
        ["Repeats"] = next.Repeats,
        ["Step"] = next.Step,
        ["FiredObserved"] = next.FiredObserved,
        ["AtAlert"] = next.AtAlert,
        ["HeldSince"] = next.HeldSince,
        ["Held"] = next.Held == HoldReason.None ? null : next.Held.ToString(),
        ["HeldLine"] = next.HeldLine,
    };

    public static TableEntity ToEntity(string shard, string subscriberId, DailyBudget budget) => new(shard, subscriberId + "|" + BudgetRow)
    {
        ["Day"] = budget.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["Sent"] = budget.Sent,
    };

    /// <summary>
    /// Writes rows of one partition (a shard) in batch transactions of up to 100: each row inserted when it was not
    /// read (no ETag), else replaced only if unchanged since read. A transaction is all or nothing, so when one fails
    /// on a conflict its rows are written one by one and only the conflicting ones are lost. Returns each row's outcome.
    /// </summary>
    public async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<(TableEntity Entity, ETag? ETag)> rows, CancellationToken cancellationToken)
    {
        var written = new bool[rows.Count];
        for (var start = 0; start < rows.Count; start += 100)
        {
            var chunk = rows.Skip(start).Take(100).ToList();
            var actions = chunk.Select(r => r.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, r.Entity, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, r.Entity)).ToList();
            try
            {
                await tables.AlertStates.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                Array.Fill(written, true, start, chunk.Count);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is StorageStatus.Conflict or StorageStatus.PreconditionFailed)
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    written[start + i] = await TryAddOrUpdateAsync(chunk[i].Entity, chunk[i].ETag, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return written;
    }

    /// <summary>Inserts the row when it was not read (no ETag), else replaces it only if unchanged since read.</summary>
    private async Task<bool> TryAddOrUpdateAsync(TableEntity entity, ETag? etag, CancellationToken cancellationToken)
    {
        try
        {
            if (etag is { } known)
            {
                await tables.AlertStates.UpdateEntityAsync(entity, known, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await tables.AlertStates.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return false;
        }
    }
}
