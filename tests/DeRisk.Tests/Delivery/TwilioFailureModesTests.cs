using DeRisk.Delivery;
using DeRisk.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Delivery;

/// <summary>The Twilio adapter against a raw HTTP server on 127.0.0.1 that misbehaves the ways real networks do.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwilioFailureModesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FakeUpstream _twilio = null!;
    private LocalHostFactory _host = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeUpstream.StartAsync();
        _host = new LocalHostFactory(azurite, new FakeTimeProvider(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero)), _twilio.BaseAddress,
            new Dictionary<string, string?> { ["Twilio:Timeout"] = "00:00:00.300" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private Task<SendResult> SendAsync() =>
        _host.Services.GetRequiredService<ISmsSender>().SendAsync(new SmsMessage("+14155550107", "DeRisk test. Reply STOP to end.", "s", "n"), default);

    [Fact]
    public async Task A_slow_answer_past_the_timeout_is_an_unknown_outcome_not_a_failure()
    {
        _twilio.EnqueueHang();

        Assert.IsType<SendResult.Unknown>(await SendAsync());
    }

    [Fact]
    public async Task A_dropped_connection_is_an_unknown_outcome()
    {
        _twilio.Enqueue(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

        Assert.StartsWith("connection", Assert.IsType<SendResult.Unknown>(await SendAsync()).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_answer_that_is_not_json_is_an_unknown_outcome()
    {
        _twilio.EnqueueJson("""{"sid":"SM123","status":""", status: StatusCodes.Status201Created);

        Assert.IsType<SendResult.Unknown>(await SendAsync());
    }

    [Fact]
    public async Task Server_errors_are_transient_and_client_errors_with_a_code_are_permanent()
    {
        _twilio.EnqueueJson("""{"code":20503,"message":"Service Unavailable","more_info":"https://www.twilio.com/docs/errors/20503","status":503}""", 503);
        _twilio.EnqueueJson("""{"code":21211,"message":"Invalid 'To' Phone Number","more_info":"https://www.twilio.com/docs/errors/21211","status":400}""", 400);

        Assert.IsType<SendResult.Transient>(await SendAsync());
        Assert.Equal(21211, Assert.IsType<SendResult.Permanent>(await SendAsync()).ErrorCode);
        Assert.All(_twilio.Requests, r => Assert.StartsWith("/2010-04-01/Accounts/ACtestaccount/Messages.json", r, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("500")]
    [InlineData("429")]
    [InlineData("hang")]
    [InlineData("drop")]
    [InlineData("not json")]
    public async Task A_message_list_that_cannot_be_read_is_an_unavailable_lookup_never_an_exception(string failure)
    {
        switch (failure)
        {
            case "500": _twilio.EnqueueJson("""{"code":20500,"message":"Internal Server Error","status":500}""", 500); break;
            case "429": _twilio.EnqueueJson("""{"code":20429,"message":"Too Many Requests","status":429}""", 429, retryAfter: "30"); break;
            case "hang": _twilio.EnqueueHang(); break;
            case "drop": _twilio.Enqueue(context => { context.Abort(); return Task.CompletedTask; }); break;
            default: _twilio.EnqueueJson("""{"messages":[{"sid":""", 200); break;
        }

        var lookup = await _host.Services.GetRequiredService<ISmsSender>().FindAcceptedAsync(
            new SmsMessage("+14155550107", "DeRisk test. Reply STOP to end.", "s", "n"), _host.Time.GetUtcNow(), default);

        var unavailable = Assert.IsType<SentLookup.Unavailable>(lookup);
        Assert.Equal(failure == "429" ? TimeSpan.FromSeconds(30) : null, unavailable.RetryAfter);
        Assert.StartsWith("/2010-04-01/Accounts/ACtestaccount/Messages.json?To=", Assert.Single(_twilio.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_unknown_outcome_the_next_delivery_asks_twilio_before_sending_again()
    {
        var subscriberId = await TestSubscribers.SeedAsync(_host.Services, "+14155550107");
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000e", 1), subscriberId, [new RuleEpisode("0000000000000000000000000000000e", 1)], Notification.SmsChannel, "DeRisk test. Reply STOP to end.", _host.Time.GetUtcNow());
        var queue = _host.Services.GetRequiredService<INotificationQueue>();
        await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        _twilio.EnqueueHang();

        var dispatcher = _host.Services.GetRequiredService<Dispatcher>();
        var first = await dispatcher.DrainAsync(default);
        var record = (await _host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriberId, default)).Single();

        Assert.Equal((1, 1), (first.Received, first.Retrying));
        Assert.Equal((DeliveryStatus.Sending, 1), (record.Status, record.Attempts));

        // Twilio's list does not have it: only then is it sent again.
        _twilio.EnqueueJson("""{"messages":[],"end":0,"first_page_uri":"/x","next_page_uri":null,"page":0,"page_size":50,"previous_page_uri":null,"start":0,"uri":"/x"}""");
        _twilio.EnqueueJson("""{"sid":"SM00000000000000000000000000000001","status":"queued"}""", StatusCodes.Status201Created);
        var second = await dispatcher.DrainAsync(default);

        Assert.Equal((1, 1), (second.Received, second.Sent));
        Assert.Equal(["POST", "GET", "POST"], _twilio.Requests.Select(r => r.Contains("?To=", StringComparison.Ordinal) ? "GET" : "POST"));
        record = (await _host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriberId, default)).Single();
        Assert.Equal((DeliveryStatus.Sent, "SM00000000000000000000000000000001"), (record.Status, record.ProviderId));
    }
}
