namespace DeRisk.Subscribers;

/// <summary>
/// Where a channel (SMS, email) stands. Only an <see cref="Active"/> channel gets alerts: a new address is
/// <see cref="Pending"/> until its confirmation code comes back, STOP makes it <see cref="Stopped"/>, a provider's
/// permanent refusal (invalid number, bounced address) makes it <see cref="Failed"/>.
/// </summary>
public static class ChannelState
{
    public const string None = "none";
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Stopped = "stopped";
    public const string Failed = "failed";

    public static bool IsKnown(string? state) => state is None or Pending or Active or Stopped or Failed;

    /// <summary>Whether the address was confirmed at some point (active, or since stopped or failed).</summary>
    public static bool IsConfirmed(string state) => state is not (None or Pending);
}
