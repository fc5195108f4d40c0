namespace DeRisk.Delivery;

/// <summary>A delivery as recorded: one row per notification, partition = subscriber, row = notification id.</summary>
public sealed record DeliveryRecord(
    string SubscriberId,
    string NotificationId,
    string Channel,
    string Status,
    int Attempts,
    string? ProviderId,
    string? ProviderStatus,
    string? LastError,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset UpdatedAt);
