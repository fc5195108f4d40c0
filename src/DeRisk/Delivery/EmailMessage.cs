namespace DeRisk.Delivery;

/// <summary>One email: a text body, and an HTML body when the message has one.</summary>
public sealed record EmailMessage(string To, string Subject, string Body, string SubscriberId, string NotificationId, string? Html = null);
