using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace DeRisk.Delivery;

/// <summary>
/// Sends SMS through Twilio's Messages API with the Twilio SDK. The SDK's HTTP goes through an
/// <see cref="System.Net.Http.HttpClient"/> from IHttpClientFactory whose handler points requests at the configured base URL.
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory httpClients, IOptions<TwilioOptions> options, ILogger<TwilioSmsSender> logger) : ISmsSender
{
    public const string HttpClientName = "twilio";

    /// <summary>Twilio errors that say this number will not take SMS from us: invalid (21211), unsubscribed via STOP
    /// (21610), not a mobile (21614), region not enabled (21408).</summary>
    public static readonly IReadOnlySet<int> AddressUnusableCodes = new HashSet<int> { 21211, 21408, 21610, 21614 };

    public async Task<SendResult> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (client, http) = CreateClient();
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Body };
        if (!string.IsNullOrWhiteSpace(settings.MessagingServiceSid))
        {
            create.MessagingServiceSid = settings.MessagingServiceSid;
        }
        else
        {
            create.From = new PhoneNumber(settings.FromNumber);
        }

        if (!string.IsNullOrWhiteSpace(settings.StatusCallbackUrl))
        {
            create.StatusCallback = DeliveryStatusService.CallbackFor(settings.StatusCallbackUrl, message.SubscriberId, message.NotificationId);
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var created = await MessageResource.CreateAsync(create, client).ConfigureAwait(false);
            return new SendResult.Accepted(created.Sid, created.Status?.ToString() ?? "queued");
        }
        catch (ApiException ex)
        {
            var result = Classify(ex, http.LastResponse?.Headers?.RetryAfter?.Delta);
            DeliveryLog.ProviderRejected(logger, "Twilio", message.NotificationId, ex.Status, ex.Code, result is SendResult.Permanent);
            return result;
        }
        // From here on Twilio may or may not have taken the message: the request may have arrived before the
        // connection broke, the clock ran out, or the answer came back unreadable.
        catch (ApiConnectionException ex)
        {
            return new SendResult.Unknown("connection: " + ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return new SendResult.Unknown("connection: " + ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult.Unknown("timed out");
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            return new SendResult.Unknown("unreadable answer: " + ex.Message);
        }
    }

    /// <summary>Lists the recipient's newest messages (Twilio returns newest first) and looks for this text.</summary>
    public async Task<SentLookup> FindAcceptedAsync(SmsMessage message, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (client, http) = CreateClient();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await MessageResource.ReadAsync(new ReadMessageOptions { To = new PhoneNumber(message.To), PageSize = 50, Limit = 50 }, client).ConfigureAwait(false);
            var match = page.FirstOrDefault(m => m.Body == message.Body && m.DateCreated is { } created
                && new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) >= since - TimeSpan.FromMinutes(5));
            return match?.Sid is { } sid ? new SentLookup.Found(sid) : new SentLookup.NotFound();
        }
        catch (ApiException ex)
        {
            DeliveryLog.LookupFailed(logger, message.NotificationId, ex.Status);
            return new SentLookup.Unavailable($"Twilio message list {ex.Status} {ex.Code}: {Subscribers.Redact.Text(ex.Message)}", http.LastResponse?.Headers?.RetryAfter?.Delta);
        }
        catch (Exception ex) when (ex is ApiConnectionException or HttpRequestException or Newtonsoft.Json.JsonException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            DeliveryLog.LookupFailed(logger, message.NotificationId, 0);
            return new SentLookup.Unavailable("Twilio message list: " + (ex is TaskCanceledException ? "timed out" : Subscribers.Redact.Text(ex.Message)), null);
        }
    }

    /// <summary>A client per call over the factory's pooled handler; its HTTP wrapper keeps the last response (Retry-After).</summary>
    private (TwilioRestClient Client, SystemNetHttpClient Http) CreateClient()
    {
        var settings = options.Value;
        var http = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName));
        return (new TwilioRestClient(settings.AccountSid, settings.AuthToken, httpClient: http), http);
    }

    /// <summary>429 and 5xx are worth retrying; a 4xx with a Twilio error code is about this message and will not change.</summary>
    internal static SendResult Classify(ApiException ex, TimeSpan? retryAfter)
    {
        var error = $"Twilio {ex.Status} {ex.Code}: {Subscribers.Redact.Text(ex.Message)}";
        return ex.Status switch
        {
            // A success status the SDK could not read, or no status at all: Twilio may have taken the message.
            0 or (>= 200 and < 300) => new SendResult.Unknown(error),
            (int)HttpStatusCode.TooManyRequests or >= 500 => new SendResult.Transient(error, retryAfter),
            (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden => new SendResult.Transient(error, null),
            >= 400 => new SendResult.Permanent(ex.Code == 0 ? null : ex.Code, error, AddressUnusableCodes.Contains(ex.Code)),
            _ => new SendResult.Transient(error, retryAfter),
        };
    }
}
