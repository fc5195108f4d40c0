namespace DeRisk.Market;

/// <summary>A value a market source reported: a price in USD, or the Fear &amp; Greed Index.</summary>
public sealed record SourceQuote(string Asset, double Value, DateTimeOffset AsOf, string Source);
