namespace DeRisk.Market;

public sealed record TrackedAsset(string Symbol, string CoinGeckoId);
