namespace DeRisk.Delivery;

public abstract record ClaimResult
{
    public sealed record Claimed(DeliveryClaim Claim) : ClaimResult;

    /// <summary>The notification was already settled (sent, failed, suppressed): send nothing.</summary>
    public sealed record AlreadySettled(string Status) : ClaimResult;

    /// <summary>Another dispatcher holds a live claim on it.</summary>
    public sealed record HeldElsewhere : ClaimResult;
}
