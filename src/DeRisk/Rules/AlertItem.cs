using DeRisk.Tick;

namespace DeRisk.Rules;

/// <summary>One rule in one message: the rule, its state after the tick, what the message says of it, whether it is critical.</summary>
public sealed record AlertItem(string RuleId, RuleSpec Rule, AlertState State, AlertNews News, bool Critical = false)
{
    /// <summary>Whether the rule is in alarm (fired, repeated, escalated or still firing), not clearing.</summary>
    public bool IsAlarm => News is AlertNews.Fired or AlertNews.Repeated or AlertNews.Escalated or AlertNews.StillFiring;
}
