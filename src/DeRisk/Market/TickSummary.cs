namespace DeRisk.Market;

/// <summary>What the last market tick did and how long it took (wall time).</summary>
public sealed record TickSummary(DateTimeOffset StartedAt, TimeSpan Duration, int Subscribers, int Notifications);
