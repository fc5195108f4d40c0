namespace DeRisk.Delivery;

public abstract record InboundOutcome
{
    /// <summary>Unsigned or wrongly signed: nothing changed.</summary>
    public sealed record Rejected : InboundOutcome;

    /// <summary>The TwiML to answer Twilio with (a reply SMS, or an empty response).</summary>
    public sealed record Reply(string TwiML) : InboundOutcome;
}
