namespace DeRisk.Rules;

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
