using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Delivery;

/// <summary>The dispatcher against the Twilio stand-in's real failure answers, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DispatcherTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private string _subscriberId = null!;

    private Dispatcher Dispatcher => Host.Services.GetRequiredService<Dispatcher>();

    private INotificationQueue Queue => Host.Services.GetRequiredService<INotificationQueue>();

    private DeliveryStore Deliveries => Host.Services.GetRequiredService<DeliveryStore>();

    protected override async Task OnStartedAsync() =>
        _subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550103");

    private async Task<Notification> EnqueueAsync(int episode)
    {
        var notification = new Notification(Notification.IdFor(_subscriberId, "0000000000000000000000000000000a", episode), _subscriberId, [new RuleEpisode("0000000000000000000000000000000a", episode)], Notification.SmsChannel, "DeRisk: BTC -11.6% in 24h (your limit -10.0%). Reply STOP to end.", Time.GetUtcNow());
        await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        return notification;
    }

    /// <summary>
    /// A dispatcher that dies mid-send: it received the message and claimed its row (and Twilio took the SMS, if
    /// <paramref name="twilioAccepted"/>), then nothing was recorded or settled; the message's lock lapses (abandon
    /// stands in for it). Returns Twilio's id for the SMS it took, if any.
    /// </summary>
    private async Task<string?> CrashMidSendAsync(Notification notification, bool twilioAccepted)
    {
        var received = Assert.Single(await Queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
        Assert.IsType<ClaimResult.Claimed>(await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), TimeSpan.FromMinutes(1), default));
        string? sid = null;
        if (twilioAccepted)
        {
            var sent = await Host.Services.GetRequiredService<ISmsSender>().SendAsync(new SmsMessage("+14155550103", notification.Text, _subscriberId, notification.Id), default);
            sid = Assert.IsType<SendResult.Accepted>(sent).ProviderId;
        }

        await Queue.AbandonAsync(received, default);
        return sid;
    }

    private async Task<DeliveryRecord> RecordOf(Notification notification) =>
        (await Deliveries.ListAsync(_subscriberId, default)).Single(d => d.NotificationId == notification.Id);

    [Theory]
    [InlineData(21211, "Invalid 'To' Phone Number")]
    [InlineData(21610, "Attempt to send to unsubscribed recipient")]
    [InlineData(21614, "'To' number is not a valid mobile number")]
    [InlineData(21408, "Permission to send an SMS has not been enabled for the region")]
    public async Task Permanent_twilio_error_dead_letters_at_once_with_the_code_and_sends_nothing(int code, string message)
    {
        var notification = await EnqueueAsync(1);
        Sink.FailNext(new SinkFailure(400, code, message));

        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 0, 1), (result.Received, result.Sent, result.DeadLettered));
        Assert.Empty(Sink.Messages);
        var dead = Assert.Single(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal((notification.Id, $"Twilio{code}"), (dead.MessageId, dead.Reason));
        Assert.Contains(message, dead.Description, StringComparison.Ordinal);
        var record = await RecordOf(notification);
        Assert.Equal((DeliveryStatus.Failed, 1, (string?)null), (record.Status, record.Attempts, record.ProviderId));

        // The channel is off now: the next alert is suppressed without calling Twilio.
        var subscribers = Host.Services.GetRequiredService<DeRisk.Subscribers.SubscriberStore>();
        Assert.False((await subscribers.GetProfileAsync(_subscriberId, default))!.SmsEnabled);
        var next = await EnqueueAsync(2);
        var after = await Dispatcher.DrainAsync(default);
        Assert.Equal((1, 1, 0), (after.Received, after.Suppressed, after.Sent));
        Assert.Equal(1, Sink.Requests);
        Assert.Equal(DeliveryStatus.Suppressed, (await RecordOf(next)).Status);
    }

    [Fact]
    public async Task An_alert_past_its_maximum_age_is_recorded_expired_dead_lettered_and_never_sent()
    {
        var notification = await EnqueueAsync(3);
        Time.Advance(TimeSpan.FromMinutes(61));

        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 0, 1), (result.Received, result.Sent, result.DeadLettered));
        Assert.Equal(0, Sink.Requests);
        var dead = Assert.Single(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal((notification.Id, "Expired"), (dead.MessageId, dead.Reason));
        Assert.Contains("61 minutes after it was due", dead.Description, StringComparison.Ordinal);
        var record = await RecordOf(notification);
        Assert.Equal((DeliveryStatus.Expired, 0, (string?)null), (record.Status, record.Attempts, record.ProviderId));
    }

    [Fact]
    public async Task An_alert_held_back_by_quiet_hours_counts_its_age_from_their_end()
    {
        var quietEnd = Time.GetUtcNow().AddHours(8);
        var notification = new Notification(Notification.IdFor(_subscriberId, "0000000000000000000000000000000c", 1), _subscriberId, [new RuleEpisode("0000000000000000000000000000000c", 1)], Notification.SmsChannel, "DeRisk: BTC -11.6% in 24h. Reply STOP to end.", Time.GetUtcNow(), quietEnd);
        // Queued without the schedule: the Storage queue would hold it back eight hours of wall time, not of fake time.
        await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);

        // Eight and a half hours after the tick, half an hour after the quiet hours ended: still fresh.
        Time.Advance(TimeSpan.FromHours(8.5));
        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 1), (result.Received, result.Sent));
        Assert.Equal(DeliveryStatus.Sent, (await RecordOf(notification)).Status);
    }

    [Fact]
    public async Task A_redelivered_copy_of_a_sent_alert_is_dropped_as_a_duplicate_and_leaves_its_record_as_it_is()
    {
        var notification = await EnqueueAsync(4);
        Assert.Equal(1, (await Dispatcher.DrainAsync(default)).Sent);
        var sent = await RecordOf(notification);

        // The same notification arrives again (a repeated tick's copy) after the subscriber replied STOP.
        await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        await Host.Services.GetRequiredService<DeRisk.Subscribers.SubscriberStore>().SetChannelStateAsync(_subscriberId, Notification.SmsChannel, DeRisk.Subscribers.ChannelState.Stopped, "STOP", Time.GetUtcNow(), default);
        var again = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 1, 0), (again.Received, again.Duplicates, again.Sent));
        Assert.Equal(1, Sink.Requests);
        Assert.Equal(sent, await RecordOf(notification));

        // Nor does a copy that arrives after the alert's maximum age: it is a duplicate, not a dead letter.
        await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        Time.Advance(TimeSpan.FromMinutes(61));
        var late = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 1, 0), (late.Received, late.Duplicates, late.DeadLettered));
        Assert.Empty(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal(sent, await RecordOf(notification));
    }

    [Theory]
    [InlineData(500, 20500)]
    [InlineData(503, 20503)]
    [InlineData(429, 20429)]
    public async Task Transient_twilio_error_is_retried_through_the_queue_and_then_sent_once(int status, int code)
    {
        var notification = await EnqueueAsync(2);
        Sink.FailNext(new SinkFailure(status, code, "Try again later", status == 429 ? TimeSpan.FromSeconds(1) : null));

        var first = await Dispatcher.DrainAsync(default);
        var retrying = await RecordOf(notification);
        var second = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 1, 0), (first.Received, first.Retrying, first.Sent));
        Assert.Equal((DeliveryStatus.Retrying, 1), (retrying.Status, retrying.Attempts));
        Assert.Contains($"Twilio {status}", retrying.LastError, StringComparison.Ordinal);
        Assert.Equal((1, 1), (second.Received, second.Sent));
        var sent = Assert.Single(Sink.Messages);
        var record = await RecordOf(notification);
        Assert.Equal((DeliveryStatus.Sent, 2, sent.Sid), (record.Status, record.Attempts, record.ProviderId));
        Assert.Equal(2, Sink.Requests);
    }

    [Fact]
    public async Task Transient_failures_up_to_the_maximum_delivery_count_dead_letter_with_the_last_error()
    {
        var notification = await EnqueueAsync(3);
        for (var i = 0; i < 3; i++)
        {
            Sink.FailNext(new SinkFailure(503, 20503, $"Service unavailable {i + 1}"));
        }

        var results = new List<DispatchResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await Dispatcher.DrainAsync(default));
        }

        Assert.Equal([1, 1, 0], results.Select(r => r.Retrying).Take(2).Append(results[2].Retrying));
        Assert.Equal(1, results[2].DeadLettered);
        var dead = Assert.Single(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal("MaxDeliveryCountExceeded", dead.Reason);
        Assert.Contains("Service unavailable 3", dead.Description, StringComparison.Ordinal);
        Assert.Equal((DeliveryStatus.DeadLettered, 3), ((await RecordOf(notification)).Status, (await RecordOf(notification)).Attempts));
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Received);
        Assert.Empty(Sink.Messages);
    }

    [Theory]
    [InlineData("{\"hello\":")]
    [InlineData("{\"id\":\"a/b\",\"subscriberId\":\"0123456789abcdef0123456789abcdef\",\"channel\":\"sms\",\"text\":\"x\"}")]
    [InlineData("{\"id\":\"n-1\",\"subscriberId\":\"0123456789abcdef0123456789abcdef\",\"channel\":\"pigeon\",\"text\":\"x\"}")]
    [InlineData("{\"subscriberId\":\"0123456789abcdef0123456789abcdef\",\"channel\":\"sms\",\"text\":\"x\"}")]
    [InlineData("{\"id\":\"n-1\",\"subscriberId\":\"0123456789abcdef0123456789abcdef\",\"ruleId\":\"r\",\"episode\":1,\"channel\":\"sms\",\"text\":\"x\"}")]
    public async Task A_message_that_is_not_a_notification_is_dead_lettered(string body)
    {
        await Queue.SendAsync(new OutgoingMessage("junk", BinaryData.FromString(body)), default);

        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal(1, result.DeadLettered);
        Assert.Equal("MalformedMessage", Assert.Single(await Queue.PeekDeadLettersAsync(10, default)).Reason);
    }

    [Fact]
    public async Task An_earlier_attempt_is_looked_up_at_the_number_it_went_to_even_after_the_subscriber_changed_it()
    {
        var notification = await EnqueueAsync(11);
        var acceptedSid = await CrashMidSendAsync(notification, twilioAccepted: true);
        await Host.Services.GetRequiredService<DeRisk.Subscribers.SubscriberStore>().SetAddressAsync(_subscriberId, Notification.SmsChannel, "+14155550199", DeRisk.Subscribers.ChannelState.Active, Time.GetUtcNow(), default);
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 0), (result.Duplicates, result.Sent));
        Assert.Equal((DeliveryStatus.Sent, acceptedSid), ((await RecordOf(notification)).Status, (await RecordOf(notification)).ProviderId));
        Assert.DoesNotContain(Sink.Messages, m => m.To == "+14155550199");
    }

    [Fact]
    public async Task A_copy_of_an_alert_recorded_expired_whose_dead_letter_did_not_go_through_is_dead_lettered_not_dropped()
    {
        var notification = await EnqueueAsync(12);
        Time.Advance(TimeSpan.FromHours(2));
        Assert.Null(await Deliveries.RecordUnsentAsync(notification, DeliveryStatus.Expired, "expired before", Time.GetUtcNow(), default));

        var result = await Dispatcher.DrainAsync(default);

        Assert.Equal(1, result.DeadLettered);
        Assert.Equal("Expired", Assert.Single(await Queue.PeekDeadLettersAsync(10, default)).Reason);
        Assert.Empty(Sink.Messages);
    }

    [Fact]
    public async Task A_delivery_claim_is_held_by_one_dispatcher_and_a_settled_one_is_never_claimed_again()
    {
        var notification = new Notification(Notification.IdFor(_subscriberId, "0000000000000000000000000000000b", 1), _subscriberId, [new RuleEpisode("0000000000000000000000000000000b", 1)], Notification.SmsChannel, "text", Time.GetUtcNow());
        var claimTimeout = TimeSpan.FromMinutes(1);

        var first = await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), claimTimeout, default);
        var second = await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), claimTimeout, default);
        var claim = Assert.IsType<ClaimResult.Claimed>(first).Claim;
        Assert.IsType<ClaimResult.HeldElsewhere>(second);

        Assert.True(await Deliveries.RecordAsync(claim, DeliveryStatus.Sent, Time.GetUtcNow(), "SM1", "queued"));
        Time.Advance(TimeSpan.FromHours(1));
        var third = await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), claimTimeout, default);
        Assert.Equal(DeliveryStatus.Sent, Assert.IsType<ClaimResult.AlreadySettled>(third).Status);
    }

    [Fact]
    public async Task A_claim_abandoned_by_a_crashed_dispatcher_is_taken_over_after_the_claim_timeout()
    {
        var notification = new Notification(Notification.IdFor(_subscriberId, "0000000000000000000000000000000c", 1), _subscriberId, [new RuleEpisode("0000000000000000000000000000000c", 1)], Notification.SmsChannel, "text", Time.GetUtcNow());
        var claimTimeout = TimeSpan.FromMinutes(1);
        var crashed = Assert.IsType<ClaimResult.Claimed>(await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), claimTimeout, default)).Claim;

        Time.Advance(TimeSpan.FromMinutes(2));
        var takeover = Assert.IsType<ClaimResult.Claimed>(await Deliveries.ClaimAsync(notification, "+14155550103", false, Time.GetUtcNow(), claimTimeout, default)).Claim;

        Assert.Equal(2, takeover.Attempts);
        Assert.False(await Deliveries.RecordAsync(crashed, DeliveryStatus.Sent, Time.GetUtcNow(), "SM-late", "queued"));
        Assert.True(await Deliveries.RecordAsync(takeover, DeliveryStatus.Sent, Time.GetUtcNow(), "SM-new", "queued"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_dispatcher_that_dies_mid_send_leaves_a_claim_the_next_one_settles_without_a_second_sms(bool twilioAcceptedBeforeTheCrash)
    {
        var notification = await EnqueueAsync(5);
        var acceptedSid = await CrashMidSendAsync(notification, twilioAcceptedBeforeTheCrash);
        Time.Advance(TimeSpan.FromMinutes(2));
        var result = await Dispatcher.DrainAsync(default);

        var record = await RecordOf(notification);
        var only = Assert.Single(Sink.Messages);
        Assert.Equal((DeliveryStatus.Sent, 2, only.Sid), (record.Status, record.Attempts, record.ProviderId));
        Assert.Equal(twilioAcceptedBeforeTheCrash ? (1, 0) : (0, 1), (result.Duplicates, result.Sent));
        if (acceptedSid is not null)
        {
            Assert.Equal(acceptedSid, record.ProviderId);
        }

        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Received);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(500, false)]
    [InlineData(429, true)]
    [InlineData(0, false)]
    public async Task A_failing_reconciliation_is_retried_and_nothing_is_sent_until_twilio_answers(int listStatus, bool twilioAcceptedBeforeTheCrash)
    {
        var notification = await EnqueueAsync(6);
        await CrashMidSendAsync(notification, twilioAcceptedBeforeTheCrash);
        Time.Advance(TimeSpan.FromMinutes(2));
        Sink.FailNextList(new SinkFailure(listStatus, listStatus == 0 ? 0 : 20000 + listStatus, "Twilio is having a moment", listStatus == 429 ? TimeSpan.FromSeconds(1) : null));

        var failed = await Dispatcher.DrainAsync(default);

        Assert.Equal((1, 1, 0, 0), (failed.Received, failed.Retrying, failed.Sent, failed.DeadLettered));
        Assert.Equal(twilioAcceptedBeforeTheCrash ? 1 : 0, Sink.Messages.Count);
        Assert.Equal(DeliveryStatus.Sending, (await RecordOf(notification)).Status);
        Assert.Empty(await Queue.PeekDeadLettersAsync(10, default));

        var answered = await Dispatcher.DrainAsync(default);

        var only = Assert.Single(Sink.Messages);
        var record = await RecordOf(notification);
        Assert.Equal((DeliveryStatus.Sent, only.Sid), (record.Status, record.ProviderId));
        Assert.Equal(twilioAcceptedBeforeTheCrash ? (1, 0) : (0, 1), (answered.Duplicates, answered.Sent));
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Received);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_alert_that_expires_while_an_attempt_is_unknown_is_asked_about_before_it_is_recorded_expired(bool twilioAcceptedBeforeTheCrash)
    {
        var notification = await EnqueueAsync(10);
        await CrashMidSendAsync(notification, twilioAcceptedBeforeTheCrash);
        Time.Advance(TimeSpan.FromHours(2));

        var result = await Dispatcher.DrainAsync(default);

        var record = await RecordOf(notification);
        if (twilioAcceptedBeforeTheCrash)
        {
            Assert.Equal((1, DeliveryStatus.Sent, Sink.Messages.Single().Sid), (result.Duplicates, record.Status, record.ProviderId));
            Assert.Empty(await Queue.PeekDeadLettersAsync(10, default));
        }
        else
        {
            Assert.Equal((1, DeliveryStatus.Expired), (result.DeadLettered, record.Status));
            Assert.Equal("Expired", Assert.Single(await Queue.PeekDeadLettersAsync(10, default)).Reason);
            Assert.Empty(Sink.Messages);
        }
    }

    [Fact]
    public async Task An_sms_twilio_took_on_the_last_allowed_delivery_is_recorded_sent_not_dead_lettered()
    {
        var notification = await EnqueueAsync(7);
        Sink.FailNext(new SinkFailure(503, 20503, "Service Unavailable"));
        Sink.FailNext(new SinkFailure(503, 20503, "Service Unavailable"));
        Sink.AcceptNextThenDrop();

        var results = new List<DispatchResult>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await Dispatcher.DrainAsync(default));
        }

        Assert.Equal([1, 1, 1, 0], results.Select(r => r.Retrying));
        Assert.Equal(1, results[3].Duplicates);
        var only = Assert.Single(Sink.Messages);
        var record = await RecordOf(notification);
        Assert.Equal((DeliveryStatus.Sent, only.Sid), (record.Status, record.ProviderId));
        Assert.Empty(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Received);
    }

    [Fact]
    public async Task An_unknown_last_delivery_twilio_never_took_is_dead_lettered_only_after_asking()
    {
        var notification = await EnqueueAsync(8);
        Sink.FailNext(new SinkFailure(503, 20503, "Service Unavailable"));
        Sink.FailNext(new SinkFailure(503, 20503, "Service Unavailable"));
        Sink.FailNext(new SinkFailure(0, 0, "dropped before it was taken"));

        var results = new List<DispatchResult>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await Dispatcher.DrainAsync(default));
        }

        Assert.Equal(1, results[3].DeadLettered);
        Assert.Empty(Sink.Messages);
        var dead = Assert.Single(await Queue.PeekDeadLettersAsync(10, default));
        Assert.Equal("MaxDeliveryCountExceeded", dead.Reason);
        Assert.Equal(DeliveryStatus.DeadLettered, (await RecordOf(notification)).Status);
    }

    [Fact]
    public async Task An_exception_while_handling_one_message_leaves_the_rest_of_the_batch_sent()
    {
        var others = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            others.Add(await TestSubscribers.SeedAsync(Host.Services, $"+1415555060{i}"));
        }

        var faulty = await EnqueueAsync(9);
        foreach (var other in others)
        {
            var notification = new Notification(Notification.IdFor(other, "0000000000000000000000000000000b", 1), other, [new RuleEpisode("0000000000000000000000000000000b", 1)], Notification.SmsChannel, "DeRisk: UST 3.1% off its peg. Reply STOP to end.", Time.GetUtcNow());
            await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
        }

        var services = Host.Services;
        var sender = new FailingFor(services.GetRequiredService<ISmsSender>(), "+14155550103");
        var dispatcher = new Dispatcher(services.GetRequiredService<INotificationQueue>(), Deliveries, services.GetRequiredService<DeRisk.Subscribers.SubscriberStore>(),
            sender, services.GetRequiredService<IEmailSender>(), new SendPacer(Time), services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DispatchOptions>>(), Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Dispatcher>.Instance);

        var first = await dispatcher.DrainAsync(default);

        Assert.Equal((5, 4, 1), (first.Received, first.Sent, first.Retrying));
        Assert.Equal(4, Sink.Messages.Count);
        Assert.DoesNotContain(Sink.Messages, m => m.To == "+14155550103");

        // The fault passes; once its claim has lapsed the message is asked about, then sent, once.
        sender.Failing = false;
        Time.Advance(TimeSpan.FromMinutes(2));
        var second = await dispatcher.DrainAsync(default);
        Assert.Equal((1, 1), (second.Received, second.Sent));
        Assert.Equal(DeliveryStatus.Sent, (await RecordOf(faulty)).Status);
        Assert.Single(Sink.Messages, m => m.To == "+14155550103");
    }

    [Fact]
    public async Task Critical_alerts_queued_behind_five_thousand_others_are_sent_first()
    {
        var calm = new List<OutgoingMessage>();
        for (var i = 0; i < 5_000; i++)
        {
            var notification = new Notification(Notification.IdFor(_subscriberId, i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), 1), _subscriberId, [new RuleEpisode(i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), 1)], Notification.SmsChannel, $"DeRisk: BTC -10% ({i}). Reply STOP to end.", Time.GetUtcNow());
            calm.Add(new OutgoingMessage(notification.Id, notification.ToBinary()));
        }

        foreach (var chunk in calm.Chunk(250))
        {
            await Task.WhenAll(chunk.Select(m => Queue.SendAsync(m, default)));
        }

        var critical = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var rule = (10_000 + i).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            var notification = new Notification(Notification.IdFor(_subscriberId, rule, 1), _subscriberId, [new RuleEpisode(rule, 1)], Notification.SmsChannel,
                $"DeRisk: UST {20 + i}% off its peg. A stablecoin may not hold. Reply STOP to end.", Time.GetUtcNow());
            await Queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary(), Critical: true), default);
            critical.Add(notification.Text);
        }

        // The first drain (one batch of Dispatch:BatchSize = 10) sends all three, and before anything else: they were
        // received before the 5,000 queued ahead of them and handled first. Without their lane they would be sends
        // 5,001 to 5,003 — at 1 SMS/s, 83 minutes later, past Dispatch:MaxAlertAge.
        var drained = await Dispatcher.DrainAsync(default);

        Assert.Equal(10, drained.Sent);
        Assert.Equal(critical.Order(), Sink.Messages.Take(3).Select(m => m.Body).Order());
        Assert.All(Sink.Messages.Skip(3), m => Assert.StartsWith("DeRisk: BTC", m.Body, StringComparison.Ordinal));

        // Azurite keeps queues in memory and slows down with their depth: leave nothing behind for the other tests.
        var storage = Assert.IsType<StorageNotificationQueue>(Queue);
        await Host.Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(storage.QueueName).ClearMessagesAsync();
    }

    /// <summary>An SMS sender with a bug for one number: it throws instead of answering.</summary>
    private sealed class FailingFor(ISmsSender inner, string number) : ISmsSender
    {
        public bool Failing { get; set; } = true;

        public Task<SendResult> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
            Failing && message.To == number ? throw new InvalidOperationException("A bug in the sender") : inner.SendAsync(message, cancellationToken);

        public Task<SentLookup> FindAcceptedAsync(SmsMessage message, DateTimeOffset since, CancellationToken cancellationToken) =>
            inner.FindAcceptedAsync(message, since, cancellationToken);
    }

    [Fact]
    public async Task Twilio_429_retry_after_reaches_the_sender_result_and_the_backoff_honours_it()
    {
        Sink.FailNext(new SinkFailure(429, 20429, "Too Many Requests", TimeSpan.FromSeconds(120)));
        var sender = Host.Services.GetRequiredService<ISmsSender>();

        var result = await sender.SendAsync(new SmsMessage("+14155550103", "DeRisk test. Reply STOP to end.", _subscriberId, "n"), default);

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.Equal(TimeSpan.FromSeconds(120), transient.RetryAfter);
        var backoff = new DispatchOptions { RetryBaseDelay = TimeSpan.FromSeconds(15), MaxRetryDelay = TimeSpan.FromMinutes(10) };
        Assert.Equal(TimeSpan.FromSeconds(120), backoff.RetryDelay(1, transient.RetryAfter));
        Assert.Equal([15, 30, 60, 120, 240, 480, 600], Enumerable.Range(1, 7).Select(n => backoff.RetryDelay(n, null).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(10), backoff.RetryDelay(2, TimeSpan.FromHours(1)));
    }
}
