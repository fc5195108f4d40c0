namespace DeRisk.Tick;

/// <summary>A change of state the evaluator must write; Fire, Repeat and (with all-clear) Resolve also notify.</summary>
public abstract record Transition
{
    public sealed record None : Transition;

    /// <summary>The condition began to hold; it must hold for the rule's hold time before firing.</summary>
    public sealed record Pend(AlertState Next) : Transition;

    /// <summary>A pending condition stopped holding before its hold time: back to ok, nothing sent.</summary>
    public sealed record Cancel(AlertState Next) : Transition;

    public sealed record Fire(AlertState Next) : Transition;

    /// <summary>Still firing after the repeat interval: notify again.</summary>
    public sealed record Repeat(AlertState Next) : Transition;

    /// <summary>Still firing and a whole escalation step further past the limit than last notified: notify once more.</summary>
    public sealed record Escalate(AlertState Next) : Transition;

    public sealed record Resolve(AlertState Next, bool AllClear) : Transition;
}
