namespace DeRisk.Market;

/// <summary>A portfolio's value now and its high-water mark, or why it cannot be known.</summary>
public readonly record struct PortfolioValue(bool HasData, double Now, double High, string? NoDataReason)
{
    public static PortfolioValue NoData(string reason) => new(false, 0, 0, reason);

    public double DrawdownPercent => High <= 0 ? 0 : ((Now / High) - 1) * 100;
}
