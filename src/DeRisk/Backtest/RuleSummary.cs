namespace DeRisk.Backtest;

public sealed record RuleSummary(string RuleId, string Kind, int Notifications, int Episodes, int Resolved, int NoDataTicks);
