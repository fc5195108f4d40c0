namespace DeRisk.Delivery;

/// <summary>The SMS port: one adapter per provider (Twilio).</summary>
public interface ISmsSender
{
    Task<SendResult> SendAsync(SmsMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the provider accepted this exact message (same recipient and text) at or after <paramref name="since"/>:
    /// used when an earlier attempt's outcome is unknown (a crash, a timeout, a dropped connection). A lookup that
    /// fails is an outcome too, never an exception: nothing may be sent until the provider has answered.
    /// </summary>
    Task<SentLookup> FindAcceptedAsync(SmsMessage message, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>What the provider's message list says about an earlier attempt.</summary>
public abstract record SentLookup
{
    /// <summary>Accepted as <paramref name="ProviderId"/>: record it sent, send nothing.</summary>
    public sealed record Found(string ProviderId) : SentLookup;

    /// <summary>The provider has no such message: it is safe to send.</summary>
    public sealed record NotFound : SentLookup;

    /// <summary>The list could not be read (429, 5xx, timeout, dropped connection, unreadable answer): ask again later.</summary>
    public sealed record Unavailable(string Error, TimeSpan? RetryAfter) : SentLookup;
}

public sealed record SmsMessage(string To, string Body, string SubscriberId, string NotificationId);

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
