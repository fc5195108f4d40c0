namespace DeRisk.Market;

/// <summary>
/// Plays the shipped real history: at each poll, the newest value known at the app's current time; for the backfill,
/// the days before it — so a replay starts with the same year of daily rows a live deployment backfills.
/// </summary>
public sealed class ReplaySource(ReplayDataset dataset, TimeProvider time) : IMarketSource, IHistorySource
{
    public const string SourceName = "replay";

    public string Name => SourceName;

    public Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var quotes = new List<SourceQuote>();
        foreach (var symbol in assets.Select(a => a.Symbol).Append(Assets.FearAndGreed))
        {
            if (dataset.LatestAtOrBefore(symbol, now) is { } point)
            {
                quotes.Add(new SourceQuote(symbol, point.Value, point.AsOf, SourceName));
            }
        }

        return Task.FromResult(MarketReading.Ok(quotes));
    }

    public IReadOnlyList<TrackedAsset> HistoryOf(IReadOnlyList<TrackedAsset> tracked) =>
        [.. tracked, new TrackedAsset(Assets.FearAndGreed, "")];

    public Task<MarketReading> ReadDailyAsync(TrackedAsset asset, int days, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = new DateTimeOffset(Assets.DayOf(now).AddDays(-days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var points = dataset.Series(asset.Symbol)
            .Where(p => p.AsOf >= from && p.AsOf <= now)
            .Select(p => new SourceQuote(asset.Symbol, p.Value, p.AsOf, SourceName))
            .ToList();
        return Task.FromResult(MarketReading.Ok(points));
    }
}
