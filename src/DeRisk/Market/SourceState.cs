namespace DeRisk.Market;

/// <summary>A source's state since <see cref="Since"/>, with its last error (kept after it recovers, with its time).</summary>
public sealed record SourceState(string Source, SourceStatus State, DateTimeOffset Since, string? LastError, DateTimeOffset? LastErrorAt);
