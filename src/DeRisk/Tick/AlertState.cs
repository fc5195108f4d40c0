using Azure;

namespace DeRisk.Tick;

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
