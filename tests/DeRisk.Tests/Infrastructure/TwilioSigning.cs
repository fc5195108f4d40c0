using System.Security.Cryptography;
using System.Text;

namespace DeRisk.Tests.Infrastructure;

public static class TwilioSigning
{
    /// <summary>Twilio's documented signature: HMAC-SHA1 over the URL and the sorted form fields, keyed by the auth token.</summary>
#pragma warning disable CA5350 // HMAC-SHA1 is Twilio's algorithm; the test signs as Twilio does.
    public static string Sign(string url, IReadOnlyDictionary<string, string> form, string authToken = LocalHostFactory.AuthToken)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
#pragma warning restore CA5350
}
