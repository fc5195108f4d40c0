namespace DeRisk.Market;

/// <summary>The market port: one adapter per provider (CoinGecko, alternative.me, replay).</summary>
public interface IMarketSource
{
    string Name { get; }

    /// <summary>Reads what the source has for the given assets. A failed source says so; it never throws for upstream trouble.</summary>
    Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken);
}
