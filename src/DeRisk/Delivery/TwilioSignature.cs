using Microsoft.Extensions.Options;
using Twilio.Security;

namespace DeRisk.Delivery;

/// <summary>
/// Checks X-Twilio-Signature with the Twilio SDK's RequestValidator: the public URL Twilio called (a configured
/// setting: behind Azure's front ends the request's own URL is not the one Twilio signed) plus the query string, and
/// the posted form fields, signed with the account's auth token.
/// </summary>
public sealed class TwilioSignature(IOptions<TwilioOptions> options)
{
    public bool IsValid(string? publicUrl, string queryString, IReadOnlyDictionary<string, string> form, string? signature) =>
        !string.IsNullOrEmpty(signature) && !string.IsNullOrEmpty(publicUrl)
        && new RequestValidator(options.Value.AuthToken).Validate(publicUrl + queryString, form.ToDictionary(p => p.Key, p => p.Value), signature);
}
