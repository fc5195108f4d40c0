namespace DeRisk.Backtest;

/// <summary>What a backtest found; Capped counts messages held back by the daily cap (each rolled into a later digest).</summary>
public sealed record BacktestReport(BacktestRange Range, IReadOnlyList<BacktestNotification> Notifications, IReadOnlyList<RuleSummary> Rules, IReadOnlyList<EpisodeOutcome> Episodes, int Capped)
{
    /// <summary>How many messages of each kind ("alert", "escalation", "allClear", "digest", ...).</summary>
    public IReadOnlyDictionary<string, int> Kinds => Notifications.GroupBy(n => n.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>How many messages were critical (they go at once, whatever the hour or the cap), of any kind.</summary>
    public int CriticalCount => Notifications.Count(n => n.Critical);
}
