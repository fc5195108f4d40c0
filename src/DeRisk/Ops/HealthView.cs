namespace DeRisk.Ops;

public sealed record HealthView(
    DateTimeOffset Now,
    DateTimeOffset? LastSnapshotAt,
    IReadOnlyList<SourceHealth> Sources,
    long? QueueDepth,
    long? DeadLetters,
    DateTimeOffset? LastTickAt,
    double? LastTickMilliseconds,
    int? LastTickSubscribers);
