namespace DeRisk.Delivery;

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
