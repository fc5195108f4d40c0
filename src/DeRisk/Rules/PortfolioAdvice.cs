using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>How much to move into stablecoins, in USD and per asset, to bring the volatile share down to the maximum.</summary>
public sealed record PortfolioAdvice(double Total, double VolatileShare, IReadOnlyList<(string Asset, double Usd)> PerAsset)
{
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
            if (!Assets.IsStablecoin(asset))
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
