namespace DeRisk.Market;

public static class Assets
{
    /// <summary>The symbol used for the Crypto Fear &amp; Greed Index, stored and evaluated like an asset.</summary>
    public const string FearAndGreed = "FNG";

    private static readonly HashSet<string> Stablecoins = new(StringComparer.OrdinalIgnoreCase) { "USDC", "USDT", "DAI", "BUSD", "TUSD", "FDUSD", "USDE", "UST" };

    /// <summary>Dollar stablecoins: the "safe" side of a portfolio (UST is one too, which is why depeg rules exist).</summary>
    public static bool IsStablecoin(string symbol) => Stablecoins.Contains(symbol);

    /// <summary>The UTC day a value as of this time belongs to.</summary>
    public static DateOnly DayOf(DateTimeOffset asOf) => DateOnly.FromDateTime(asOf.UtcDateTime);
}
