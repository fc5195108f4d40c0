namespace DeRisk.Subscribers;

public sealed record DeliveryView(string NotificationId, string Channel, string Status, int Attempts, string? ProviderStatus, string? LastError, DateTimeOffset? SentAt, DateTimeOffset UpdatedAt);
