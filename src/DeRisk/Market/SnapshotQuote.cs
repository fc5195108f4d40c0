namespace DeRisk.Market;

/// <summary>One asset in a snapshot. Value is null unless Status is Ok: a value is never guessed.</summary>
public sealed record SnapshotQuote(string Asset, QuoteStatus Status, double? Value, DateTimeOffset? AsOf, string? Source)
{
    public static SnapshotQuote Missing(string asset) => new(asset, QuoteStatus.Missing, null, null, null);
}
