using System.ComponentModel.DataAnnotations;

namespace DeRisk.Delivery;

public sealed class TwilioOptions() : SenderOptions(Section, "https://api.twilio.com")
{
    public const string Section = "Twilio";

    [Required]
    public string AccountSid { get; set; } = "";

    /// <summary>Secret: keep it in local.settings.json (git-ignored) or Key Vault, never in the repo.</summary>
    [Required]
    public string AuthToken { get; set; } = "";

    /// <summary>The sending number (E.164); or set MessagingServiceSid instead.</summary>
    public string? FromNumber { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>Twilio calls this URL with delivery status updates, when set.</summary>
    [Url]
    public string? StatusCallbackUrl { get; set; }

    /// <summary>The public URL of /api/twilio/inbound as configured on the Twilio number (signatures are checked against it).</summary>
    [Url]
    public string? InboundUrl { get; set; }

    protected override IEnumerable<ValidationResult> ValidateSender()
    {
        if (string.IsNullOrWhiteSpace(FromNumber) == string.IsNullOrWhiteSpace(MessagingServiceSid))
        {
            yield return new ValidationResult("Set exactly one of Twilio:FromNumber and Twilio:MessagingServiceSid.", [nameof(FromNumber), nameof(MessagingServiceSid)]);
        }
    }
}
