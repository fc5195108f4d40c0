using System.ComponentModel.DataAnnotations;
using DeRisk.Market;

namespace DeRisk.Delivery;

public sealed class SendGridOptions : UpstreamOptions, IValidatableObject
{
    public const string Section = "SendGrid";

    public SendGridOptions()
    {
        BaseUrl = "https://api.sendgrid.com";
        RetryAttempts = 0;
    }

    /// <summary>Secret: keep it in local.settings.json (git-ignored) or Key Vault, never in the repo.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The verified sender address alerts come from.</summary>
    [Required, EmailAddress]
    public string FromEmail { get; set; } = "";

    public string FromName { get; set; } = "DeRisk";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryAttempts != 0)
        {
            yield return new ValidationResult("SendGrid:RetryAttempts must be 0: retries go through the queue's delivery count and the delivery record.", [nameof(RetryAttempts)]);
        }
    }
}
