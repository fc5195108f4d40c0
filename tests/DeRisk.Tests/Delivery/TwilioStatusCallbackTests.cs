using System.Net;
using DeRisk.Delivery;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Delivery;

/// <summary>POST /api/twilio/status over HTTP on the local host: Twilio's status callbacks, signature checked.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwilioStatusCallbackTests(AzuriteFixture azurite)
    : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string PublicUrl = "https://derisk.example.net/api/twilio/status";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Twilio:StatusCallbackUrl"] = PublicUrl };

    [Fact]
    public async Task Signed_callbacks_move_the_delivery_forward_and_never_back_while_bad_signatures_change_nothing()
    {
        var client = Host.CreateClient();
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550106");
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000d", 1), subscriberId, [new RuleEpisode("0000000000000000000000000000000d", 1)], Notification.SmsChannel, "DeRisk test. Reply STOP to end.", Time.GetUtcNow());
        await Host.Services.GetRequiredService<INotificationQueue>().SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        await Host.Services.GetRequiredService<Dispatcher>().DrainAsync(default);
        var sent = Assert.Single(Sink.Messages);
        Assert.StartsWith(PublicUrl + "?s=" + subscriberId + "&n=", sent.StatusCallback, StringComparison.Ordinal);
        var query = sent.StatusCallback![PublicUrl.Length..];

        async Task<HttpStatusCode> Post(string status, string? signature, string? errorCode = null)
        {
            var form = new Dictionary<string, string>
            {
                ["AccountSid"] = LocalHostFactory.AccountSid, ["MessageSid"] = sent.Sid, ["MessageStatus"] = status, ["To"] = sent.To,
            };
            if (errorCode is not null)
            {
                form["ErrorCode"] = errorCode;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/twilio/status" + query) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", signature ?? TwilioSigning.Sign(PublicUrl + query, form));
            return (await client.SendAsync(request)).StatusCode;
        }

        async Task<DeliveryRecord> Record() =>
            (await Host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriberId, default)).Single(r => r.NotificationId == notification.Id);

        Assert.Equal(HttpStatusCode.Forbidden, await Post("delivered", signature: "bm90IGEgc2lnbmF0dXJl"));
        Assert.Equal("queued", (await Record()).ProviderStatus);

        Assert.Equal(HttpStatusCode.NoContent, await Post("sent", signature: null));
        Assert.Equal("sent", (await Record()).ProviderStatus);
        Assert.Equal(HttpStatusCode.NoContent, await Post("undelivered", signature: null, errorCode: "30003"));
        Assert.Equal(HttpStatusCode.NoContent, await Post("sent", signature: null));

        // The same status again (Twilio's retry, or a captured callback replayed with other fields) changes nothing.
        Assert.Equal(HttpStatusCode.NoContent, await Post("undelivered", signature: null, errorCode: "30005"));

        var record = await Record();
        Assert.Equal(("undelivered", "Twilio 30003 (undelivered)"), (record.ProviderStatus, record.LastError));
    }

    [Theory]
    [InlineData(30003, "active")]
    [InlineData(30005, "failed")]
    [InlineData(30006, "failed")]
    [InlineData(30007, "active")]
    [InlineData(30008, "active")]
    public async Task A_carrier_that_cannot_deliver_the_sms_sends_the_alert_by_email_once(int errorCode, string smsStateAfter)
    {
        var (subscriberId, sent, query) = await SendOneSmsAsync("+14155550108", "erin@example.com");

        var form = CallbackForm(sent, "undelivered", errorCode);
        Assert.Equal(HttpStatusCode.NoContent, await PostCallbackAsync(query, form));
        Assert.Equal(HttpStatusCode.NoContent, await PostCallbackAsync(query, form));
        await DrainAsync();
        await DrainAsync();

        var email = Assert.Single(Mail.Emails);
        Assert.Equal("erin@example.com", email.To);
        Assert.Contains("came by email because its SMS could not be delivered", email.Text, StringComparison.Ordinal);
        Assert.Contains($"Twilio {errorCode}", email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reply STOP", email.Text, StringComparison.Ordinal);
        Assert.Equal(smsStateAfter, (await Host.Services.GetRequiredService<DeRisk.Subscribers.SubscriberStore>().GetProfileAsync(subscriberId, default))!.SmsState);
    }

    [Fact]
    public async Task No_fallback_without_an_active_email_for_an_alert_already_emailed_or_for_other_errors()
    {
        var (_, smsOnly, smsOnlyQuery) = await SendOneSmsAsync("+14155550109", null);
        Assert.Equal(HttpStatusCode.NoContent, await PostCallbackAsync(smsOnlyQuery, CallbackForm(smsOnly, "undelivered", 30003)));

        var (_, bothSent, bothQuery) = await SendOneSmsAsync("+14155550110", "frank@example.com", alsoByEmail: true);
        var (_, other, otherQuery) = await SendOneSmsAsync("+14155550111", "grace@example.com");
        Assert.Equal(HttpStatusCode.NoContent, await PostCallbackAsync(bothQuery, CallbackForm(bothSent, "undelivered", 30003)));
        Assert.Equal(HttpStatusCode.NoContent, await PostCallbackAsync(otherQuery, CallbackForm(other, "failed", 30001)));
        await DrainAsync();

        Assert.Equal(["frank@example.com"], Mail.Emails.Select(e => e.To));
        Assert.DoesNotContain("came by email", Mail.Emails.Single().Text, StringComparison.Ordinal);
    }

    private async Task<(string SubscriberId, DeRisk.LocalHost.Sinks.SinkMessage Sent, string Query)> SendOneSmsAsync(string phone, string? email, bool alsoByEmail = false)
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, phone, email);
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000f", 1), subscriberId, [new RuleEpisode("0000000000000000000000000000000f", 1)], Notification.SmsChannel, "DeRisk: UST 3.1% off its peg. A stablecoin may not hold. Reply STOP to end.", Time.GetUtcNow());
        var queue = Host.Services.GetRequiredService<INotificationQueue>();
        await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        if (alsoByEmail)
        {
            var copy = notification with { Id = Notification.IdForChannel(notification.Id, Notification.EmailChannel), Channel = Notification.EmailChannel };
            await queue.SendAsync(new OutgoingMessage(copy.Id, copy.ToBinary()), default);
        }

        await DrainAsync();
        var sent = Sink.Messages.Single(m => m.To == phone);
        return (subscriberId, sent, sent.StatusCallback![PublicUrl.Length..]);
    }

    private static Dictionary<string, string> CallbackForm(DeRisk.LocalHost.Sinks.SinkMessage sent, string status, int errorCode) => new()
    {
        ["AccountSid"] = LocalHostFactory.AccountSid, ["MessageSid"] = sent.Sid, ["MessageStatus"] = status, ["To"] = sent.To,
        ["ErrorCode"] = errorCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<HttpStatusCode> PostCallbackAsync(string query, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/twilio/status" + query) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(PublicUrl + query, form));
        return (await Host.CreateClient().SendAsync(request)).StatusCode;
    }

    private Task<DispatchResult> DrainAsync() => Host.Services.GetRequiredService<Dispatcher>().DrainAsync(default);
}
