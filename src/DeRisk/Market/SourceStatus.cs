namespace DeRisk.Market;

/// <summary>How a market source is doing: ok, failing (an outage: errors, timeouts), or misconfigured (it answers, but not for an id we asked).</summary>
public enum SourceStatus
{
    Ok,
    Failing,
    Misconfigured,
}
