using DeRisk.Delivery;
using DeRisk.Tests.EndToEnd;
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

    [Fact]
    public async Task After_an_unknown_outcome_the_claim_stays_open_and_the_message_waits_for_it_to_expire()
    {
        var subscriberId = await TestSubscribers.SeedAsync(_host.Services, "+14155550107");
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000e", 1), subscriberId,
            "0000000000000000000000000000000e", 1, Notification.SmsChannel, "DeRisk test. Reply STOP to end.", _host.Time.GetUtcNow());
        var queue = _host.Services.GetRequiredService<INotificationQueue>();
        await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        _twilio.EnqueueHang();

        var dispatcher = _host.Services.GetRequiredService<Dispatcher>();
        var first = await dispatcher.DrainAsync(default);
        var record = (await _host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriberId, default)).Single();

        Assert.Equal((1, 1), (first.Received, first.Retrying));
        Assert.Equal((DeliveryStatus.Sending, 1), (record.Status, record.Attempts));
        Assert.Equal(0, (await dispatcher.DrainAsync(default)).Received);
    }
}
