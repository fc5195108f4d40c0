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

    /// <summary>An inbound SMS as Twilio posts it to the messaging webhook, with a MessageSid of its own.</summary>
    public static Dictionary<string, string> InboundForm(string from, string body) => new()
    {
        ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
        ["AccountSid"] = LocalHostFactory.AccountSid,
        ["From"] = from,
        ["To"] = "+15005550006",
        ["Body"] = body,
        ["NumMedia"] = "0",
    };

    /// <summary>Posts a signed (or given) inbound SMS form to the host's /api/twilio/inbound.</summary>
    public static async Task<HttpResponseMessage> PostInboundAsync(HttpClient client, IReadOnlyDictionary<string, string> form, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/twilio/inbound") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return await client.SendAsync(request);
    }
}
