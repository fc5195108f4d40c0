namespace DeRisk.Subscribers;

/// <summary>
/// What the tick's planner does with a rule on the latest snapshot, from its current state: the verdict, the
/// transition, and the message with its fate: sent at once; scheduled for <see cref="DeliverAt"/>, the end of quiet
/// hours, when no tick comes before it; or held back (<see cref="Held"/>: "quietHours", re-checked by the first tick
/// after they end; "dailyCap", rolled into the digest when the cap resets, <see cref="Capped"/>).
/// <see cref="Stale"/>: the snapshot is older than the staleness limit, so the market may have moved since.
/// </summary>
public sealed record RuleTestView(
    string RuleId,
    DateTimeOffset? SnapshotAt,
    string Verdict,
    double? Observed,
    double? Threshold,
    string? NoDataReason,
    string CurrentStatus,
    string WouldDo,
    string? Message,
    DateTimeOffset? DeliverAt = null,
    bool Capped = false,
    bool Stale = false,
    string? Held = null);
