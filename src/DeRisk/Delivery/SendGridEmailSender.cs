using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace DeRisk.Delivery;

/// <summary>
/// Sends email through SendGrid's v3 mail send with the SendGrid SDK, over an <see cref="HttpClient"/> from
/// IHttpClientFactory; the SDK's host is the configured base URL (a fake in tests). The notification id travels as a
/// custom argument, so SendGrid's event webhook and activity feed can be matched to the delivery record.
/// </summary>
public sealed class SendGridEmailSender(IHttpClientFactory httpClients, IOptions<SendGridOptions> options, TimeProvider time, ILogger<SendGridEmailSender> logger) : IEmailSender
{
    public const string HttpClientName = "sendgrid";

    public async Task<SendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions { ApiKey = settings.ApiKey, Host = settings.BaseUrl.TrimEnd('/') });
        var mail = MailHelper.CreateSingleEmail(new EmailAddress(settings.FromEmail, settings.FromName), new EmailAddress(message.To), message.Subject, message.Body, message.Html);
        mail.AddCustomArg("notification_id", message.NotificationId);
        mail.AddCustomArg("subscriber_id", message.SubscriberId);

        Response response;
        try
        {
            response = await client.SendEmailAsync(mail, cancellationToken).ConfigureAwait(false);
        }
        // SendGrid may or may not have taken the message: the request may have arrived before the connection broke.
        catch (HttpRequestException ex)
        {
            return new SendResult.Unknown("connection: " + ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult.Unknown("timed out");
        }

        if (response.StatusCode == HttpStatusCode.Accepted || response.IsSuccessStatusCode)
        {
            var id = response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;
            return new SendResult.Accepted(id ?? "sendgrid:" + message.NotificationId, "accepted");
        }

        var body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var result = Classify((int)response.StatusCode, body, RetryAfter(response));
        DeliveryLog.ProviderRejected(logger, "SendGrid", message.NotificationId, (int)response.StatusCode, 0, result is SendResult.Permanent);
        return result;
    }

    /// <summary>
    /// 429 and 5xx are worth retrying (401/403 too: a rotated key is fixed by an operator, not by the message); a 400
    /// about the recipient address means the address is unusable; any other 4xx will not change by retrying.
    /// </summary>
    internal static SendResult Classify(int status, string body, TimeSpan? retryAfter)
    {
        var (message, field) = FirstError(body);
        var error = $"SendGrid {status}: {Subscribers.Redact.Text(message)}";
        return status switch
        {
            429 or >= 500 => new SendResult.Transient(error, retryAfter),
            401 or 403 => new SendResult.Transient(error, null),
            400 when field is not null && field.StartsWith("personalizations", StringComparison.Ordinal) && field.EndsWith(".email", StringComparison.Ordinal)
                => new SendResult.Permanent(null, error, AddressUnusable: true),
            >= 400 => new SendResult.Permanent(null, error),
            _ => new SendResult.Unknown(error),
        };
    }

    /// <summary>SendGrid's error body: {"errors":[{"message":..., "field":..., "help":...}]}; anything else is quoted as is.</summary>
    private static (string Message, string? Field) FirstError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object)
            {
                var first = errors[0];
                var message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var field = first.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                return (message ?? "error", field);
            }
        }
        catch (JsonException)
        {
            // Not SendGrid's error shape (a proxy's page, a truncated body): fall through.
        }

        return (body.Length <= 200 ? body : body[..200], null);
    }

    /// <summary>SendGrid says when its rate limit window resets (X-RateLimit-Reset, Unix seconds); Retry-After if a proxy sent one.</summary>
    private TimeSpan? RetryAfter(Response response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
