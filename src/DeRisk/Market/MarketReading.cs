namespace DeRisk.Market;

/// <summary>The outcome of one read: the quotes the source had, or why it had none.</summary>
public sealed record MarketReading(IReadOnlyList<SourceQuote> Quotes, string? Failure)
{
    /// <summary>What the configuration got wrong (an id the provider does not know): not an outage, and said apart from one.</summary>
    public IReadOnlyList<string> ConfigurationErrors { get; init; } = [];

    /// <summary>When the provider says its next value comes (alternative.me's time_until_update), if it says.</summary>
    public TimeSpan? NextUpdateIn { get; init; }

    public static MarketReading Ok(IReadOnlyList<SourceQuote> quotes) => new(quotes, null);

    public static MarketReading Failed(string reason) => new([], reason);
}
