namespace DeRisk.Subscribers;

/// <summary>Masks personal data before it reaches a log line.</summary>
public static partial class Redact
{
    /// <summary>Free text (a provider's error message) with every phone-number-like run of digits and every email masked.</summary>
    public static string Text(string? text) =>
        string.IsNullOrEmpty(text) ? "" : EmailPattern().Replace(PhonePattern().Replace(text, m => Phone(m.Value)), m => Email(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"\+?\d[\d\- ]{5,18}\d")]
    private static partial System.Text.RegularExpressions.Regex PhonePattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s@<>""',;]+@[^\s@<>""',;]+")]
    private static partial System.Text.RegularExpressions.Regex EmailPattern();

    /// <summary>"+14155550123" becomes "+1*******23": the country code's first digit and the last two digits stay.</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }

        if (phone.Length <= 5)
        {
            return new string('*', phone.Length);
        }

        return string.Concat(phone.AsSpan(0, 2), new string('*', phone.Length - 4), phone.AsSpan(phone.Length - 2));
    }

    /// <summary>"alice@example.com" becomes "a****@e******.com": first letters and the top-level domain stay.</summary>
    public static string Email(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "";
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return new string('*', email.Length);
        }

        var domain = email[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        var host = dot > 0 ? domain[..dot] : domain;
        var tld = dot > 0 ? domain[dot..] : "";
        return string.Concat(email[..1], new string('*', at - 1), "@" + host[..1], new string('*', host.Length - 1) + tld);
    }

    /// <summary>A secret (code, token) in a log line: its first four characters and its length.</summary>
    public static string Secret(string? secret) =>
        string.IsNullOrEmpty(secret) ? "" : string.Concat(secret.AsSpan(0, Math.Min(4, secret.Length / 4)), $"…({secret.Length})");
}
