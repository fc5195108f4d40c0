using Azure;

namespace DeRisk.Delivery;

/// <summary>
/// The right to send a notification once, held as the ETag of its delivery row. <see cref="UnfinishedSince"/> is set
/// when this claim took over one that expired while sending: the provider may have accepted that earlier attempt, sent
/// to <see cref="UnfinishedTo"/> (the address then; the subscriber may have changed it since).
/// </summary>
public sealed record DeliveryClaim(string SubscriberId, string NotificationId, int Attempts, ETag ETag, DateTimeOffset? UnfinishedSince = null, string? UnfinishedTo = null)
{
    public DateTimeOffset ClaimedAt { get; init; }
}
