namespace DeRisk.Market;

/// <summary>
/// The history side of a market provider: daily values of the past, for the backfill. Implemented by the same adapter
/// that polls the provider (one adapter per provider).
/// </summary>
public interface IHistorySource
{
    string Name { get; }

    /// <summary>The symbols whose history this source keeps, of the tracked assets (Fear &amp; Greed: "FNG").</summary>
    IReadOnlyList<TrackedAsset> HistoryOf(IReadOnlyList<TrackedAsset> tracked);

    /// <summary>
    /// The asset's daily values of the last <paramref name="days"/> days (as of each UTC midnight; the newest may be
    /// as of now). A failed read says so; it never throws for upstream trouble.
    /// </summary>
    Task<MarketReading> ReadDailyAsync(TrackedAsset asset, int days, CancellationToken cancellationToken);
}

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
