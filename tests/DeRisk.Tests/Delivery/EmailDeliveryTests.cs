using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Delivery;

/// <summary>Email through the SendGrid SDK to a SendGrid stand-in on 127.0.0.1: sent once, retried on 429/5xx, an invalid address turns email off.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EmailDeliveryTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string Text = "DeRisk alert (market data as of 2022-05-10 00:00 UTC)\n\n- UST at $0.61, 39.0% off its $1 peg (your limit 3%)\n";
    private const string Subject = "DeRisk alert: UST 39.0% off peg";
    private const string Html = "<!DOCTYPE html><html><body><p>UST at $0.61, 39.0% off its $1 peg</p></body></html>";

    private Dispatcher Dispatcher => Host.Services.GetRequiredService<Dispatcher>();

    [Fact]
    public async Task An_email_is_sent_once_with_the_alert_as_subject_and_the_notification_id_as_a_custom_arg()
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550120", "alice@example.com");
        var notification = await EnqueueAsync(subscriberId, 1);

        await DrainAsync();
        await EnqueueAsync(subscriberId, 1); // the same notification again: a duplicate delivery by the queue
        await DrainAsync();

        var email = Assert.Single(Mail.Emails);
        Assert.Equal(("alice@example.com", "alerts@example.com"), (email.To, email.From));
        Assert.Equal((Subject, Text, Html), (email.Subject, email.Text, email.Html));
        Assert.Equal(notification.Id, email.CustomArgs["notification_id"]);
        var record = Assert.Single(await Host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriberId, default));
        Assert.Equal((DeliveryStatus.Sent, email.MessageId, "email"), (record.Status, record.ProviderId, record.Channel));
        Assert.Empty(Sink.Messages);
    }

    [Fact]
    public async Task Rate_limited_and_server_errors_are_retried_and_the_email_still_goes_exactly_once()
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550121", "bob@example.com");
        await EnqueueAsync(subscriberId, 1);
        Mail.FailNext(new SendGridFailure(429, "too many requests", RetryAfter: TimeSpan.FromSeconds(30)));
        Mail.FailNext(new SendGridFailure(503, "Service Unavailable"));

        var first = await DrainAsync();
        var second = await DrainAsync();
        var third = await DrainAsync();

        Assert.Equal((1, 1, 1), (first.Retrying, second.Retrying, third.Sent));
        Assert.Single(Mail.Emails);
        Assert.Equal(3, Mail.Requests);
    }

    [Fact]
    public async Task An_invalid_address_dead_letters_turns_email_off_and_leaves_sms_alone()
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550122", "carol@example.com");
        var queue = Host.Services.GetRequiredService<INotificationQueue>();
        await EnqueueAsync(subscriberId, 1);
        Mail.FailNext(new SendGridFailure(400, "Does not contain a valid address.", "personalizations.0.to.0.email"));

        Assert.Equal(1, (await DrainAsync()).DeadLettered);
        var profile = (await Host.Services.GetRequiredService<SubscriberStore>().GetProfileAsync(subscriberId, default))!;
        Assert.Equal((ChannelState.Failed, ChannelState.Active), (profile.EmailState, profile.SmsState));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, default));
        Assert.Equal("SendGridRejected", dead.Reason);
        Assert.DoesNotContain("carol", dead.Description, StringComparison.Ordinal);

        // The next alert: email is off, so it is suppressed without a call; SMS still goes.
        await EnqueueAsync(subscriberId, 2);
        await EnqueueAsync(subscriberId, 2, Notification.SmsChannel);
        var next = await DrainAsync();
        Assert.Equal((1, 1), (next.Suppressed, next.Sent));
        Assert.Equal(1, Mail.Requests);
        Assert.Single(Sink.Messages);
    }

    private async Task<Notification> EnqueueAsync(string subscriberId, int episode, string channel = Notification.EmailChannel)
    {
        var notification = new Notification(Notification.IdFor(subscriberId, "0000000000000000000000000000000f", episode), subscriberId, [new RuleEpisode("0000000000000000000000000000000f", episode)], channel, Text, Time.GetUtcNow(), Subject: Subject, Html: Html) is var planned && channel == Notification.SmsChannel ? planned : planned with { Id = Notification.IdForChannel(planned.Id, channel) };
        await Host.Services.GetRequiredService<INotificationQueue>().SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        return notification;
    }

    private Task<DispatchResult> DrainAsync() => Dispatcher.DrainAsync(default);
}

/// <summary>The SendGrid adapter against a raw HTTP server on 127.0.0.1 that misbehaves the ways real networks do.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SendGridFailureModesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FakeUpstream _sendGrid = null!;
    private LocalHostFactory _host = null!;

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeUpstream.StartAsync();
        _host = new LocalHostFactory(azurite, new FakeTimeProvider(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero)), new Uri("http://127.0.0.1:9/"),
            new Dictionary<string, string?> { ["SendGrid:Timeout"] = "00:00:00.300" }, _sendGrid.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private Task<SendResult> SendAsync() =>
        _host.Services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("dave@example.com", "DeRisk test", "DeRisk test.", "s", "n"), default);

    [Fact]
    public async Task Accepted_202_carries_the_x_message_id_and_the_request_is_sendgrids_v3_shape()
    {
        _sendGrid.Enqueue(context =>
        {
            context.Response.StatusCode = 202;
            context.Response.Headers["X-Message-Id"] = "W4jYQ9GvQtq0yGJqiS5ABw";
            return Task.CompletedTask;
        });

        var accepted = Assert.IsType<SendResult.Accepted>(await SendAsync());

        Assert.Equal("W4jYQ9GvQtq0yGJqiS5ABw", accepted.ProviderId);
        Assert.StartsWith("/v3/mail/send", Assert.Single(_sendGrid.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_answer_past_the_timeout_is_an_unknown_outcome()
    {
        _sendGrid.EnqueueHang();

        Assert.IsType<SendResult.Unknown>(await SendAsync());
    }

    [Fact]
    public async Task A_dropped_connection_is_an_unknown_outcome()
    {
        _sendGrid.Enqueue(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

        Assert.IsType<SendResult.Unknown>(await SendAsync());
    }

    [Fact]
    public async Task Status_codes_and_error_bodies_are_classified_as_sendgrid_means_them()
    {
        _sendGrid.EnqueueJson("""{"errors":[{"message":"too many requests","field":null,"help":null}]}""", 429, retryAfter: "12");
        _sendGrid.EnqueueJson("<html>502 Bad Gateway</html>", 502);
        _sendGrid.EnqueueJson("""{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}""", 401);
        _sendGrid.EnqueueJson("""{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":"http://sendgrid.com/docs"}]}""", 400);
        _sendGrid.EnqueueJson("""{"errors":[{"message":"The subject is required.","field":"subject","help":null}]}""", 400);
        _sendGrid.EnqueueJson("{not json", 400);

        Assert.Equal(TimeSpan.FromSeconds(12), Assert.IsType<SendResult.Transient>(await SendAsync()).RetryAfter);
        Assert.IsType<SendResult.Transient>(await SendAsync());
        Assert.IsType<SendResult.Transient>(await SendAsync());
        Assert.True(Assert.IsType<SendResult.Permanent>(await SendAsync()).AddressUnusable);
        Assert.False(Assert.IsType<SendResult.Permanent>(await SendAsync()).AddressUnusable);
        Assert.False(Assert.IsType<SendResult.Permanent>(await SendAsync()).AddressUnusable);
    }
}
