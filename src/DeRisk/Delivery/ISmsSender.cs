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
