namespace DeRisk.Delivery;

/// <summary>The email port: one adapter per provider (SendGrid).</summary>
public interface IEmailSender
{
    Task<SendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
