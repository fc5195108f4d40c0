namespace DeRisk.Subscribers;

public sealed record MeView(
    string Id,
    string? Phone,
    string SmsState,
    string? Email,
    string EmailState,
    DateTimeOffset CreatedAt,
    string TimeZone,
    QuietHoursView? QuietHours,
    int DailyCap,
    int Rules);
