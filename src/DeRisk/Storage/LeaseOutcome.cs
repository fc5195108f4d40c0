namespace DeRisk.Storage;

/// <summary>Whether a lease was taken, or who holds it until when.</summary>
public sealed record LeaseOutcome(bool Acquired, string? Holder, DateTimeOffset? Until)
{
    public static readonly LeaseOutcome Taken = new(true, null, null);

    public static LeaseOutcome HeldBy(string holder, DateTimeOffset until) => new(false, holder, until);
}
