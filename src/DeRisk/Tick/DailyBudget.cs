namespace DeRisk.Tick;

/// <summary>Notifications sent so far on one local day of a subscriber, for the daily cap.</summary>
public sealed record DailyBudget(DateOnly Day, int Sent, Azure.ETag? ETag = null)
{
    public static readonly DailyBudget None = new(DateOnly.MinValue, 0);
}
