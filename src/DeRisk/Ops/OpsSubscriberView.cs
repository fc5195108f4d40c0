namespace DeRisk.Ops;

public sealed record OpsSubscriberView(string Id, string? Phone, string SmsState, string? Email, string EmailState, DateTimeOffset CreatedAt);
