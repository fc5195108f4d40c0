namespace DeRisk.Ops;

/// <summary>
/// One market source in the last snapshot: the newest usable value it gave and its age, and how many of its values
/// were usable. A source that failed outright is listed too, with no value and none usable.
/// </summary>
/// <summary>A market source in the health view: its freshest usable value, and its state (ok, failing since, misconfigured) with the last error.</summary>
public sealed record SourceHealth(string Source, DateTimeOffset? LatestAsOf, double? AgeSeconds, int Usable,
    string State = "unknown", DateTimeOffset? Since = null, string? LastError = null, DateTimeOffset? LastErrorAt = null);
