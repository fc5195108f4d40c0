namespace DeRisk.Subscribers;

public sealed record AlertsView(IReadOnlyList<AlertStateView> Rules, IReadOnlyList<DeliveryView> Notifications);
