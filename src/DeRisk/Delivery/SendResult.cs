namespace DeRisk.Delivery;

/// <summary>What a provider did with a message. The dispatcher must handle every case.</summary>
public abstract record SendResult
{
    /// <summary>The provider took the message; <paramref name="ProviderId"/> is its id (Twilio's SM… SID).</summary>
    public sealed record Accepted(string ProviderId, string Status) : SendResult;

    /// <summary>Worth trying again later: 429, 5xx, timeouts, connection failures.</summary>
    public sealed record Transient(string Error, TimeSpan? RetryAfter) : SendResult;

    /// <summary>
    /// The provider may or may not have taken it (timeout, broken connection, unreadable answer). Not safe to send
    /// again blindly: the next attempt first asks the provider, as after a crash.
    /// </summary>
    public sealed record Unknown(string Error) : SendResult;

    /// <summary>
    /// Will never succeed as it is. <paramref name="AddressUnusable"/>: the address itself cannot (or must not) be
    /// reached — invalid number, STOP, not a mobile, invalid email — so the channel is turned off.
    /// </summary>
    public sealed record Permanent(int? ErrorCode, string Error, bool AddressUnusable = false) : SendResult;
}
