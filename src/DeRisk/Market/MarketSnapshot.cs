namespace DeRisk.Market;

/// <summary>What one market poll saw.</summary>
public sealed record MarketSnapshot(DateTimeOffset TakenAt, IReadOnlyList<SnapshotQuote> Quotes)
{
    public SnapshotQuote Get(string asset)
    {
        // A loop, not LINQ: rule evaluation calls this for every rule of every subscriber.
        for (var i = 0; i < Quotes.Count; i++)
        {
            if (string.Equals(Quotes[i].Asset, asset, StringComparison.OrdinalIgnoreCase))
            {
                return Quotes[i];
            }
        }

        return SnapshotQuote.Missing(asset);
    }
}
