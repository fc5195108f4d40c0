namespace DeRisk.Delivery;

public sealed record SmsMessage(string To, string Body, string SubscriberId, string NotificationId);
