namespace DeRisk.Market;

/// <summary>A value a market source reported: a price in USD, or the Fear &amp; Greed Index.</summary>
public sealed record SourceQuote(string Asset, double Value, DateTimeOffset AsOf, string Source);

/// <summary>Whether a snapshot value can be used. Stale and missing values are never used by a rule.</summary>
public enum QuoteStatus
{
    Ok,
    Stale,
    Missing,
}

/// <summary>One asset in a snapshot. Value is null unless Status is Ok: a value is never guessed.</summary>
public sealed record SnapshotQuote(string Asset, QuoteStatus Status, double? Value, DateTimeOffset? AsOf, string? Source)
{
    public static SnapshotQuote Missing(string asset) => new(asset, QuoteStatus.Missing, null, null, null);
}

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

/// <summary>A stored point of history: the value of an asset as of a time.</summary>
public readonly record struct HistoryPoint(DateTimeOffset AsOf, double Value);

/// <summary>The symbol used for the Crypto Fear &amp; Greed Index, stored and evaluated like an asset.</summary>
public static class Assets
{
    public const string FearAndGreed = "FNG";
}
