namespace DeRisk.Market;

/// <summary>The change of an asset over a window, or why it cannot be known.</summary>
public readonly record struct WindowChange(bool HasData, double Percent, double Current, double Reference, string? NoDataReason)
{
    public static WindowChange NoData(string reason) => new(false, 0, 0, 0, reason);
}
