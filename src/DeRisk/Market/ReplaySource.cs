namespace DeRisk.Market;

/// <summary>Plays the shipped real history: at each poll, the newest value known at the app's current time.</summary>
public sealed class ReplaySource(ReplayDataset dataset, TimeProvider time) : IMarketSource
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
}
