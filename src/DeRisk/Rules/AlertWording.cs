namespace DeRisk.Rules;

/// <summary>
/// What the words of a message depend on besides the rules and the market: the console to link to, the stablecoins
/// that may be suggested as a refuge (in order of preference), and the subscriber's time zone for "since 02:41".
/// </summary>
public sealed record AlertWording(Uri? ConsoleUrl, IReadOnlyList<string> Refuges, TimeZoneInfo Zone)
{
    /// <summary>The refuges suggested when none are configured (Advice:Refuges): the largest dollar stablecoins.</summary>
    public static readonly IReadOnlyList<string> DefaultRefuges = ["USDC", "USDT", "DAI"];

    public static readonly AlertWording Default = new(null, DefaultRefuges, TimeZoneInfo.Utc);
}
