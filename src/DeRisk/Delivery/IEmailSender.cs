namespace DeRisk.Delivery;

/// <summary>The email port: one adapter per provider (SendGrid).</summary>
public interface IEmailSender
{
    Task<SendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

public sealed record EmailMessage(string To, string Subject, string Body, string SubscriberId, string NotificationId);
