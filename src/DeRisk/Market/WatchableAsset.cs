namespace DeRisk.Market;

/// <summary>
/// One watchable symbol: a tracked asset (its CoinGecko id, whether it is a dollar stablecoin) or the Fear &amp; Greed
/// index, with its value in the latest snapshot and how old that value is (null with the status when unusable).
/// </summary>
public sealed record WatchableAsset(string Symbol, string Kind, string? CoinGeckoId, bool Stablecoin, string Status, double? Value, DateTimeOffset? AsOf, double? AgeSeconds);
