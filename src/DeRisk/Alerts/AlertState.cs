using Azure;
using Azure.Data.Tables;
using DeRisk.Rules;
using DeRisk.Storage;

namespace DeRisk.Alerts;

public enum AlertStatus
{
    Ok,
    Pending,
    Firing,
}

/// <summary>Why a rule's news was held back instead of sent: it goes out with the next message the subscriber may get.</summary>
public enum HoldReason
{
    None,

    /// <summary>Quiet hours: re-checked against the market when they end.</summary>
    QuietHours,

    /// <summary>The daily cap: rolled into a digest when the cap resets.</summary>
    DailyCap,
}

/// <summary>
/// The lifecycle state of one (subscriber, rule). Episode counts firings and names the notification; Repeats counts
/// the repeat notifications of the current episode; Step is the escalation step last notified in it. FiredObserved and
/// AtAlert keep the value and the prices at the first alert of the episode (for "worse, was ..." and honest
/// all-clears). HeldSince, Held and HeldLine record news held back by quiet hours or the daily cap, until sent.
/// </summary>
public sealed record AlertState(
    string SubscriberId,
    string RuleId,
    AlertStatus Status,
    int Episode,
    DateTimeOffset ChangedAt,
    double? Observed,
    ETag? ETag = null,
    DateTimeOffset? PendingSince = null,
    DateTimeOffset? LastNotifiedAt = null,
    int Repeats = 0,
    int Step = 0,
    double? FiredObserved = null,
    string? AtAlert = null,
    DateTimeOffset? HeldSince = null,
    HoldReason Held = HoldReason.None,
    string? HeldLine = null)
{
    public static AlertState Initial(string subscriberId, string ruleId) => new(subscriberId, ruleId, AlertStatus.Ok, 0, default, null);

    /// <summary>The price of <paramref name="symbol"/> when the episode's first alert fired, if recorded.</summary>
    public double? PriceAtAlert(string symbol) => AlertMarks.Get(AtAlert, symbol);

    /// <summary>This state with nothing held back.</summary>
    public AlertState Released() => this with { HeldSince = null, Held = HoldReason.None, HeldLine = null };
}

/// <summary>Prices at an alert, kept in one column as "BTC=22461.23;FNG=7".</summary>
public static class AlertMarks
{
    public static string? Format(IEnumerable<(string Symbol, double Value)> marks)
    {
        var text = string.Join(';', marks.Select(m => m.Symbol + "=" + m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        return text.Length == 0 ? null : text;
    }

    public static double? Get(string? marks, string symbol)
    {
        foreach (var part in (marks ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = part.IndexOf('=', StringComparison.Ordinal);
            if (split > 0 && part.AsSpan(0, split).Equals(symbol, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(part.AsSpan(split + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>A change of state the evaluator must write; Fire, Repeat and (with all-clear) Resolve also notify.</summary>
public abstract record Transition
{
    public sealed record None : Transition;

    /// <summary>The condition began to hold; it must hold for the rule's hold time before firing.</summary>
    public sealed record Pend(AlertState Next) : Transition;

    /// <summary>A pending condition stopped holding before its hold time: back to ok, nothing sent.</summary>
    public sealed record Cancel(AlertState Next) : Transition;

    public sealed record Fire(AlertState Next) : Transition;

    /// <summary>Still firing after the repeat interval: notify again.</summary>
    public sealed record Repeat(AlertState Next) : Transition;

    /// <summary>Still firing and a whole escalation step further past the limit than last notified: notify once more.</summary>
    public sealed record Escalate(AlertState Next) : Transition;

    public sealed record Resolve(AlertState Next, bool AllClear) : Transition;
}

/// <summary>
/// ok -> pending -> firing -> ok, as Prometheus Alertmanager and Grafana do it. A met condition fires once it has
/// held for the rule's hold time; a firing alert notifies again only after its repeat interval, or when it has gone a
/// whole escalation step further than last notified (each step once: a bounce back and forth re-fires nothing); it resolves only when
/// the verdict says the condition has cleared by the rule's hysteresis margin. No data changes nothing: a missing or
/// stale value never fires, never resolves, and neither starts nor cancels a hold.
/// </summary>
public static class AlertLifecycle
{
    public static Transition Next(AlertState current, RuleSpec rule, Verdict verdict, DateTimeOffset now)
    {
        if (verdict.Kind == VerdictKind.NoData)
        {
            return new Transition.None();
        }

        var met = verdict.Kind == VerdictKind.Met;
        switch (current.Status)
        {
            case AlertStatus.Ok when met && rule.HoldFor <= TimeSpan.Zero:
                return Fire(current, rule, verdict, now);
            case AlertStatus.Ok when met:
                return new Transition.Pend(current with { Status = AlertStatus.Pending, PendingSince = now, ChangedAt = now, Observed = verdict.Observed });
            case AlertStatus.Pending when met && now - (current.PendingSince ?? now) >= rule.HoldFor:
                return Fire(current, rule, verdict, now);
            case AlertStatus.Pending when !met:
                return new Transition.Cancel(current with { Status = AlertStatus.Ok, PendingSince = null, ChangedAt = now, Observed = verdict.Observed });
            case AlertStatus.Firing when met && rule.StepOf(verdict) > current.Step:
                return new Transition.Escalate(current with { Step = rule.StepOf(verdict), LastNotifiedAt = now, Observed = verdict.Observed });
            case AlertStatus.Firing when met && rule.RepeatEvery is { } repeat && now - (current.LastNotifiedAt ?? current.ChangedAt) >= repeat:
                return new Transition.Repeat(current with { LastNotifiedAt = now, Repeats = current.Repeats + 1, Observed = verdict.Observed });
            case AlertStatus.Firing when !met && verdict.Recovered:
                return new Transition.Resolve(current with { Status = AlertStatus.Ok, ChangedAt = now, Observed = verdict.Observed, PendingSince = null }, rule.AllClear);
            default:
                return new Transition.None();
        }
    }

    private static Transition.Fire Fire(AlertState current, RuleSpec rule, Verdict verdict, DateTimeOffset now) =>
        new(current with
        {
            Status = AlertStatus.Firing,
            Episode = current.Episode + 1,
            ChangedAt = now,
            PendingSince = null,
            LastNotifiedAt = now,
            Repeats = 0,
            Observed = verdict.Observed,
            Step = rule.StepOf(verdict),
            FiredObserved = verdict.Observed,
        });
}

/// <summary>A shard's alert states (by "{subscriberId}|{ruleId}") and daily budgets (by subscriber id).</summary>
public sealed record ShardAlerts(IReadOnlyDictionary<string, AlertState> States, IReadOnlyDictionary<string, DailyBudget> Budgets)
{
    public static readonly ShardAlerts Empty = new(new Dictionary<string, AlertState>(), new Dictionary<string, DailyBudget>());

    public AlertState StateOf(string subscriberId, string ruleId) =>
        States.GetValueOrDefault(AlertStateStore.Key(subscriberId, ruleId)) ?? AlertState.Initial(subscriberId, ruleId);

    public DailyBudget BudgetOf(string subscriberId) => Budgets.GetValueOrDefault(subscriberId) ?? DailyBudget.None;
}

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
