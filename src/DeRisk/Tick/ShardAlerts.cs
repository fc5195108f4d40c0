namespace DeRisk.Tick;

/// <summary>A shard's alert states (by "{subscriberId}|{ruleId}") and daily budgets (by subscriber id).</summary>
public sealed record ShardAlerts(IReadOnlyDictionary<string, AlertState> States, IReadOnlyDictionary<string, DailyBudget> Budgets)
{
    public static readonly ShardAlerts Empty = new(new Dictionary<string, AlertState>(), new Dictionary<string, DailyBudget>());

    public AlertState StateOf(string subscriberId, string ruleId) =>
        States.GetValueOrDefault(AlertStateStore.Key(subscriberId, ruleId)) ?? AlertState.Initial(subscriberId, ruleId);

    public DailyBudget BudgetOf(string subscriberId) => Budgets.GetValueOrDefault(subscriberId) ?? DailyBudget.None;
}
