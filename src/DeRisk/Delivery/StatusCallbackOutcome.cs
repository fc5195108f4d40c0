namespace DeRisk.Delivery;

public enum StatusCallbackOutcome
{
    /// <summary>Unsigned or wrongly signed: nothing changed.</summary>
    Rejected,

    /// <summary>Signed, but about no delivery we know, or older than what is recorded: nothing changed.</summary>
    Ignored,

    Updated,
}
