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
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000d", 1), subscriberId,
            "0000000000000000000000000000000d", 1, Notification.SmsChannel, "DeRisk test. Reply STOP to end.", Time.GetUtcNow());
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
}
