namespace DeRisk.Backtest;

/// <summary>A message the rules would have sent; Kind is "alert", "escalation", "allClear", "overnight" or "digest".</summary>
public sealed record BacktestNotification(DateTimeOffset Time, DateTimeOffset? DeliverAt, IReadOnlyList<string> RuleIds, bool Critical, string Text, string Kind = "alert");
