using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>
/// How much to move to safety, in USD and per asset, to bring the at-risk share down to the maximum. A stablecoin
/// counts as safe only while it holds its peg (within <see cref="PegTolerancePercent"/> of $1.00): UST at $0.79 is at
/// risk, not the safe side of the portfolio.
/// </summary>
public sealed record PortfolioAdvice(double Total, double VolatileShare, IReadOnlyList<(string Asset, double Usd)> PerAsset)
{
    /// <summary>How far from $1.00 a stablecoin may trade and still count as safe, or be suggested as a refuge.</summary>
    public const double PegTolerancePercent = 2;

    /// <summary>Whether a stablecoin at this price holds its peg.</summary>
    public static bool HoldsPeg(double price) => Math.Abs(price - 1) * 100 <= PegTolerancePercent;

    /// <summary>
    /// With volatile value V and total T at current prices, moving max(0, V - maxRisk x T) out of the volatile assets,
    /// each in proportion to its value, brings the volatile share to maxRisk (moving into stablecoins keeps T).
    /// </summary>
    public static PortfolioAdvice? For(IReadOnlyDictionary<string, double> holdings, double maxRiskPercent, MarketView market)
    {
        var values = new List<(string Asset, double Usd)>();
        double total = 0, volatileValue = 0;
        foreach (var (asset, quantity) in holdings)
        {
            if (!market.TryGetCurrent(asset, out var current))
            {
                return null;
            }

            var usd = quantity * current.Value;
            total += usd;
            if (!Assets.IsStablecoin(asset) || !HoldsPeg(current.Value))
            {
                volatileValue += usd;
                values.Add((asset, usd));
            }
        }

        if (total <= 0)
        {
            return null;
        }

        var move = Math.Max(0, volatileValue - (maxRiskPercent / 100 * total));
        var perAsset = volatileValue <= 0 || move <= 0
            ? []
            : values.Select(v => (v.Asset, move * v.Usd / volatileValue)).OrderByDescending(v => v.Item2).ToList();
        return new PortfolioAdvice(move, volatileValue / total * 100, perAsset);
    }
}
