using System.ComponentModel.DataAnnotations;

namespace DeRisk.Delivery;

public sealed class SendGridOptions() : SenderOptions(Section, "https://api.sendgrid.com")
{
    public const string Section = "SendGrid";

    /// <summary>Secret: keep it in local.settings.json (git-ignored) or Key Vault, never in the repo.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The verified sender address alerts come from.</summary>
    [Required, EmailAddress]
    public string FromEmail { get; set; } = "";

    public string FromName { get; set; } = "DeRisk";
}
