using DeRisk.Rules;

namespace DeRisk.Tick;

/// <summary>One message of a plan, before it is rendered per channel: what it says of each rule.</summary>
public sealed record PlannedMessage(string Id, IReadOnlyList<AlertItem> Items, DateTimeOffset? DeliverAt, bool Critical)
{
    /// <summary>"alert", "escalation", "digest", "overnight" or "allClear": what the message mainly is (whether it is critical is <see cref="Critical"/>).</summary>
    public string Kind =>
        Items.Any(i => i.State.Held == HoldReason.DailyCap && i.News is AlertNews.StillFiring or AlertNews.ClearedMeanwhile) ? "digest"
        : Items.Any(i => i.News is AlertNews.StillFiring or AlertNews.ClearedMeanwhile) ? "overnight"
        : Items.Any(i => i.News is AlertNews.Fired or AlertNews.Repeated) ? "alert"
        : Items.Any(i => i.News == AlertNews.Escalated) ? "escalation"
        : "allClear";
}
