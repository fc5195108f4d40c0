namespace DeRisk.Subscribers;

/// <summary>A subscriber, the channels DeRisk may reach them on, and how they want to be reached.</summary>
public sealed record Subscriber(
    string Id,
    string? Phone,
    string SmsState,
    string? Email,
    string EmailState,
    DateTimeOffset CreatedAt,
    DeliveryPreferences? Preferences = null)
{
    public DeliveryPreferences Delivery => Preferences ?? DeliveryPreferences.Default;

    public bool SmsEnabled => Phone is not null && SmsState == ChannelState.Active;

    public bool EmailEnabled => Email is not null && EmailState == ChannelState.Active;

    /// <summary>The address and whether alerts may go to it, for a channel name ("sms", "email").</summary>
    public (string? Address, bool Enabled) ChannelFor(string channel) => channel switch
    {
        DeRisk.Delivery.Notification.SmsChannel => (Phone, SmsEnabled),
        DeRisk.Delivery.Notification.EmailChannel => (Email, EmailEnabled),
        _ => (null, false),
    };

    /// <summary>A subscriber reachable by SMS only, already confirmed (seeding, demos, tests).</summary>
    public static Subscriber WithSms(string id, string phone, DateTimeOffset createdAt, DeliveryPreferences? preferences = null) =>
        new(id, phone, ChannelState.Active, null, ChannelState.None, createdAt, preferences);
}
