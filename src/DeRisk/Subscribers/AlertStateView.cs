namespace DeRisk.Subscribers;

/// <summary>
/// One rule's alert state. Step is the escalation step last notified in the episode; Held says why news of the rule
/// is held back ("quietHours": re-checked when they end; "dailyCap": in the digest when the cap resets), since when,
/// and what it said.
/// </summary>
public sealed record AlertStateView(
    string RuleId,
    string Status,
    int Episode,
    DateTimeOffset ChangedAt,
    double? Observed,
    DateTimeOffset? LastNotifiedAt,
    int Step = 0,
    string? Held = null,
    DateTimeOffset? HeldSince = null,
    string? HeldLine = null);
