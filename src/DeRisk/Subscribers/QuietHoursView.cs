namespace DeRisk.Subscribers;

public sealed record QuietHoursView(string Start, string End);
