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
