using Azure;
using Azure.Data.Tables;
using DeRisk.Rules;
using DeRisk.Storage;

namespace DeRisk.Alerts;

public enum AlertStatus
{
    Ok,
    Firing,
}

/// <summary>The lifecycle state of one (subscriber, rule). Episode counts firings; it names the notification.</summary>
public sealed record AlertState(string SubscriberId, string RuleId, AlertStatus Status, int Episode, DateTimeOffset ChangedAt, double? Observed, ETag? ETag = null)
{
    public static AlertState Initial(string subscriberId, string ruleId) => new(subscriberId, ruleId, AlertStatus.Ok, 0, default, null);
}

/// <summary>A change of state the evaluator must write (and, for Fire, notify).</summary>
public abstract record Transition
{
    public sealed record None : Transition;

    public sealed record Fire(AlertState Next) : Transition;

    public sealed record Resolve(AlertState Next) : Transition;
}

/// <summary>
/// ok -> firing when the condition is met; firing -> ok when it clears. No data changes nothing: a missing or stale
/// value never fires an alert and never resolves one.
/// </summary>
public static class AlertLifecycle
{
    public static Transition Next(AlertState current, Verdict verdict, DateTimeOffset now) => (current.Status, verdict.Kind) switch
    {
        (AlertStatus.Ok, VerdictKind.Met) => new Transition.Fire(current with { Status = AlertStatus.Firing, Episode = current.Episode + 1, ChangedAt = now, Observed = verdict.Observed }),
        (AlertStatus.Firing, VerdictKind.Clear) => new Transition.Resolve(current with { Status = AlertStatus.Ok, ChangedAt = now, Observed = verdict.Observed }),
        _ => new Transition.None(),
    };
}

/// <summary>Alert states: partition = shard, row = "{subscriberId}|{ruleId}"; written on transitions only, with ETags.</summary>
public sealed class AlertStateStore(DeRiskTables tables)
{
    public async Task<Dictionary<string, AlertState>> ReadShardAsync(string shard, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, AlertState>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard}");
        await foreach (var row in tables.AlertStates.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var split = row.RowKey.IndexOf('|', StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }

            states[row.RowKey] = new AlertState(
                row.RowKey[..split],
                row.RowKey[(split + 1)..],
                Enum.TryParse<AlertStatus>(row.GetString("Status"), out var status) ? status : AlertStatus.Ok,
                row.GetInt32("Episode") ?? 0,
                row.GetDateTimeOffset("ChangedAt") ?? default,
                row.GetDouble("Observed"),
                row.ETag);
        }

        return states;
    }

    public static string Key(string subscriberId, string ruleId) => subscriberId + "|" + ruleId;

    /// <summary>Writes a transition: insert when there was no row, else update only if the row is unchanged since read.</summary>
    public async Task<bool> TryWriteAsync(string shard, AlertState next, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(shard, Key(next.SubscriberId, next.RuleId))
        {
            ["Status"] = next.Status.ToString(),
            ["Episode"] = next.Episode,
            ["ChangedAt"] = next.ChangedAt,
            ["Observed"] = next.Observed,
        };
        try
        {
            if (next.ETag is { } etag)
            {
                await tables.AlertStates.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
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
