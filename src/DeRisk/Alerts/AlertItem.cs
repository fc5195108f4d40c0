using DeRisk.Rules;

namespace DeRisk.Alerts;

/// <summary>What a message says about one rule.</summary>
public enum AlertNews
{
    /// <summary>The first alert of an episode.</summary>
    Fired,

    /// <summary>Still firing after the rule's repeat interval.</summary>
    Repeated,

    /// <summary>A whole escalation step further past the limit than last notified.</summary>
    Escalated,

    /// <summary>The condition has cleared by the rule's hysteresis margin (the rule asked for all-clears).</summary>
    Cleared,

    /// <summary>Held back (quiet hours, daily cap) and still firing: sent with the current figures and since when.</summary>
    StillFiring,

    /// <summary>Held back and cleared before it could be sent: one line of a summary, not an alarm.</summary>
    ClearedMeanwhile,
}

/// <summary>One rule in one message: the rule, its state after the tick, what the message says of it, whether it is critical.</summary>
public sealed record AlertItem(string RuleId, RuleSpec Rule, AlertState State, AlertNews News, bool Critical = false)
{
    /// <summary>Whether the rule is in alarm (fired, repeated, escalated or still firing), not clearing.</summary>
    public bool IsAlarm => News is AlertNews.Fired or AlertNews.Repeated or AlertNews.Escalated or AlertNews.StillFiring;
}

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
