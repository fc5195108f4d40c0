using DeRisk.Rules;

namespace DeRisk.Subscribers;

public sealed record RuleView(string Id, RuleSpec Rule, DateTimeOffset CreatedAt);
