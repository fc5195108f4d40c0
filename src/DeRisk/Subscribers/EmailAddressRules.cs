using System.Net.Mail;

namespace DeRisk.Subscribers;

/// <summary>What DeRisk accepts as an email address: one plain mailbox (no display name), a dotted domain, at most 254 characters.</summary>
public static class EmailAddressRules
{
    public const int MaxLength = 254;

    public static bool TryNormalize(string? raw, out string email, out string error)
    {
        email = "";
        error = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "Required: an email address such as alice@example.com.";
            return false;
        }

        var trimmed = raw.Trim();
        if (trimmed.Length > MaxLength || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"' or '(' or ')'))
        {
            error = $"Must be one plain address (no name, spaces or brackets), at most {MaxLength} characters.";
            return false;
        }

        if (!trimmed.All(char.IsAscii))
        {
            error = "Must be an ASCII address (give an international domain in its xn-- form).";
            return false;
        }

        if (!MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed
            || parsed.Host.Length < 3 || !parsed.Host.Contains('.', StringComparison.Ordinal) || parsed.Host.StartsWith('.') || parsed.Host.EndsWith('.'))
        {
            error = "Is not a valid email address.";
            return false;
        }

        // The domain is case-insensitive; the local part is kept as given (some providers distinguish case).
        email = string.Concat(parsed.User, "@", parsed.Host.ToLowerInvariant());
        return true;
    }
}
