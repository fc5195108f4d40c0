namespace DeRisk.Tick;

/// <summary>Why a rule's news was held back instead of sent: it goes out with the next message the subscriber may get.</summary>
public enum HoldReason
{
    None,

    /// <summary>Quiet hours: re-checked against the market when they end.</summary>
    QuietHours,

    /// <summary>The daily cap: rolled into a digest when the cap resets.</summary>
    DailyCap,
}
