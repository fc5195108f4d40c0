using System.ComponentModel.DataAnnotations;
using DeRisk.Market;

namespace DeRisk.Delivery;

/// <summary>
/// A message provider (Twilio, SendGrid): an upstream that must never retry inside one call. A POST that timed out
/// may have been accepted, so retries go through the queue's delivery count and the delivery record instead.
/// </summary>
public abstract class SenderOptions : UpstreamOptions, IValidatableObject
{
    protected SenderOptions(string section, string baseUrl)
    {
        SectionName = section;
        BaseUrl = baseUrl;
        RetryAttempts = 0;
    }

    private string SectionName { get; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryAttempts != 0)
        {
            yield return new ValidationResult($"{SectionName}:RetryAttempts must be 0: a POST that timed out may have been accepted, so retries go through the queue's delivery count and the delivery record.", [nameof(RetryAttempts)]);
        }

        foreach (var result in ValidateSender())
        {
            yield return result;
        }
    }

    /// <summary>The provider's own cross-field rules.</summary>
    protected virtual IEnumerable<ValidationResult> ValidateSender() => [];
}
