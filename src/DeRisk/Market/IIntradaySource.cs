namespace DeRisk.Market;

/// <summary>
/// The recent side of a provider's history: points finer than a day, for the backfill of the priceChange windows
/// (1 h, 24 h, 7 d), written where the polls write theirs. CoinGecko's market_chart without an interval.
/// </summary>
public interface IIntradaySource
{
    /// <summary>The longest range the provider answers with points finer than a day (CoinGecko: 90 days of hourly points).</summary>
    const int MaxDays = 90;

    string Name { get; }

    /// <summary>
    /// The asset's points of the last <paramref name="days"/> days: every 5 minutes for 1 day, hourly for 2 to
    /// <see cref="MaxDays"/> days. A failed read says so; it never throws for upstream trouble.
    /// </summary>
    Task<MarketReading> ReadIntradayAsync(TrackedAsset asset, int days, CancellationToken cancellationToken);
}
