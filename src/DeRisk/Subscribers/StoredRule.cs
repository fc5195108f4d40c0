using DeRisk.Rules;

namespace DeRisk.Subscribers;

/// <summary>A rule as stored: its id, its spec and when it was added.</summary>
public sealed record StoredRule(string Id, RuleSpec Spec, DateTimeOffset CreatedAt);
