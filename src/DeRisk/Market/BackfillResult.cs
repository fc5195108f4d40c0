namespace DeRisk.Market;

/// <summary>What one backfill pass did.</summary>
public sealed record BackfillResult(int Calls, int DaysWritten, int Failed, int Settled, TimeSpan Took)
{
    /// <summary>Recent (hourly and 5-minute) points written for the priceChange windows.</summary>
    public int PointsWritten { get; init; }

    /// <summary>Assets with history still to fetch that wait for the next UTC day's call allowance.</summary>
    public int Deferred { get; init; }

    /// <summary>Set when another instance held the backfill's lease: this instance made no call.</summary>
    public string? HeldBy { get; init; }
}
