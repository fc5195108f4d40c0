using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DeRisk.Tests.Delivery;

/// <summary>
/// Delivery under failure on Azurite: a Twilio stand-in that fails about 30 % of calls transiently and some
/// permanently. Every notification ends sent exactly once or dead-lettered with the right reason; none is lost,
/// none is sent twice — counted by what the stand-in accepted.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChaosTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string PermanentMarker = "[invalid]";
    private const string CallbackUrl = "https://derisk.example.net/api/twilio/status";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Twilio:StatusCallbackUrl"] = CallbackUrl };

    [Fact]
    public async Task A_thousand_notifications_through_a_flaky_twilio_end_sent_once_or_dead_lettered_with_their_reason()
    {
        var random = new Random(20220510);
        Sink.Chaos = (_, body) => body.Contains(PermanentMarker, StringComparison.Ordinal)
            ? new SinkFailure(400, 21211, "Invalid 'To' Phone Number")
            : random.NextDouble() < 0.3
                ? random.Next(3) switch
                {
                    0 => new SinkFailure(429, 20429, "Too Many Requests", TimeSpan.FromSeconds(1)),
                    1 => new SinkFailure(500, 20500, "Internal Server Error"),
                    _ => new SinkFailure(503, 20503, "Service Unavailable"),
                }
                : null;

        var expected = await EnqueueAsync(count: 1000, subscribers: 40, permanentEvery: 100);
        var dispatcher = Host.Services.GetRequiredService<Dispatcher>();
        await DrainUntilEmptyAsync([dispatcher]);

        await AssertEveryNotificationSettledOnceAsync(expected);
    }

    [Fact]
    public async Task Two_dispatchers_draining_one_queue_at_once_still_send_each_notification_once()
    {
        var random = new Random(7);
        Sink.Chaos = (_, _) => random.NextDouble() < 0.1 ? new SinkFailure(503, 20503, "Service Unavailable") : null;
        var expected = await EnqueueAsync(count: 300, subscribers: 20, permanentEvery: 0);
        var services = Host.Services;
        Dispatcher Another() => new(
            services.GetRequiredService<INotificationQueue>(), services.GetRequiredService<DeliveryStore>(), services.GetRequiredService<SubscriberStore>(),
            services.GetRequiredService<ISmsSender>(), services.GetRequiredService<IEmailSender>(), new SendPacer(Time), services.GetRequiredService<IOptions<DispatchOptions>>(), Time, NullLogger<Dispatcher>.Instance);

        await DrainUntilEmptyAsync([Another(), Another()]);

        await AssertEveryNotificationSettledOnceAsync(expected);
    }

    [Fact]
    public async Task Faults_on_every_twilio_call_lose_nothing_send_nothing_twice_and_never_record_a_sent_sms_as_dead_lettered()
    {
        // Two dispatchers; 20 % of sends fail (429/500/503), 10 % are taken and then the connection drops, 30 % of the
        // reconciliation list calls fail (500, 429 with Retry-After, dropped connection).
        var random = new Random(20220511);
        var gate = new object();
        double Next()
        {
            lock (gate)
            {
                return random.NextDouble();
            }
        }

        Sink.Chaos = (_, _) => Next() < 0.2
            ? (Next() * 3) switch
            {
                < 1 => new SinkFailure(429, 20429, "Too Many Requests", TimeSpan.FromSeconds(1)),
                < 2 => new SinkFailure(500, 20500, "Internal Server Error"),
                _ => new SinkFailure(503, 20503, "Service Unavailable"),
            }
            : null;
        Sink.DropAfterAccepting = (_, _) => Next() < 0.1;
        Sink.ListChaos = () => Next() < 0.3
            ? (Next() * 3) switch
            {
                < 1 => new SinkFailure(500, 20500, "Internal Server Error"),
                < 2 => new SinkFailure(429, 20429, "Too Many Requests", TimeSpan.FromSeconds(1)),
                _ => new SinkFailure(0, 0, "dropped"),
            }
            : null;
        var expected = await EnqueueAsync(count: 400, subscribers: 20, permanentEvery: 0, withEmail: true);
        var services = Host.Services;
        Dispatcher Another() => new(
            services.GetRequiredService<INotificationQueue>(), services.GetRequiredService<DeliveryStore>(), services.GetRequiredService<SubscriberStore>(),
            services.GetRequiredService<ISmsSender>(), services.GetRequiredService<IEmailSender>(), new SendPacer(Time), services.GetRequiredService<IOptions<DispatchOptions>>(), Time, NullLogger<Dispatcher>.Instance);
        var dispatchers = new[] { Another(), Another() };

        // Claims an unknown outcome left open lapse with time, as they would between real drains.
        for (var round = 0; round < 200; round++)
        {
            await DrainUntilEmptyAsync(dispatchers);
            Time.Advance(TimeSpan.FromMinutes(2));
            if ((await Task.WhenAll(dispatchers.Select(d => d.DrainAsync(default)))).All(r => r.Received == 0))
            {
                break;
            }
        }

        var accepted = Sink.Messages.GroupBy(m => m.Body).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(accepted, a => Assert.Equal(1, a.Value));
        var records = new Dictionary<string, DeliveryRecord>();
        foreach (var subscriber in expected.Values.Select(v => v.SubscriberId).Distinct())
        {
            foreach (var record in await services.GetRequiredService<DeliveryStore>().ListAsync(subscriber, default))
            {
                records[record.NotificationId] = record;
            }
        }

        var dead = (await PeekAllDeadLettersAsync(services.GetRequiredService<INotificationQueue>())).ToDictionary(d => d.MessageId);
        Assert.Equal(expected.Count, records.Count);
        foreach (var record in records.Values)
        {
            Assert.True(record.Status is DeliveryStatus.Sent or DeliveryStatus.DeadLettered, $"{record.NotificationId} ended {record.Status}");
            Assert.Equal(record.Status == DeliveryStatus.DeadLettered, dead.ContainsKey(record.NotificationId));
            Assert.Equal(record.Status == DeliveryStatus.Sent, Sink.Messages.Any(m => m.Sid == record.ProviderId));
        }

        // Every body the stand-in took belongs to a record that says sent: none sent but recorded dead-lettered.
        var summary = $"chaos: {records.Count} notifications, {Sink.Messages.Count} sent once, dead-lettered {string.Join(", ", dead.Values.GroupBy(d => d.Reason).Select(g => g.Key + " " + g.Count()))}, {Sink.Requests} send requests";
        output.WriteLine(summary);
        Assert.True(records.Values.Count(r => r.Status == DeliveryStatus.Sent) == Sink.Messages.Count, summary + " | " + string.Join(" ; ", records.Values.Where(r => r.Status != DeliveryStatus.Sent).Select(r => r.Attempts + " " + r.LastError)));

        // The status-callback path, as a carrier network delivers it: "sent" then "delivered", or "undelivered" with
        // 30003 for about 10 %; a fifth of the callbacks arrive twice, in any order, and some name no message of ours.
        var undelivered = new HashSet<string>(StringComparer.Ordinal);
        var callbacks = new List<(string Query, Dictionary<string, string> Form)>();
        foreach (var sms in Sink.Messages)
        {
            var query = sms.StatusCallback![CallbackUrl.Length..];
            var failed = Next() < 0.1;
            if (failed)
            {
                undelivered.Add(sms.Sid);
            }

            foreach (var (status, code) in new[] { ("sent", (string?)null), failed ? ("undelivered", "30003") : ("delivered", null) })
            {
                var form = new Dictionary<string, string> { ["AccountSid"] = LocalHostFactory.AccountSid, ["MessageSid"] = sms.Sid, ["MessageStatus"] = status, ["To"] = sms.To };
                if (code is not null)
                {
                    form["ErrorCode"] = code;
                }

                callbacks.Add((query, form));
                if (Next() < 0.2)
                {
                    callbacks.Add((query, form));
                }
            }

            if (Next() < 0.05)
            {
                callbacks.Add((query, new Dictionary<string, string> { ["AccountSid"] = LocalHostFactory.AccountSid, ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["MessageStatus"] = "undelivered", ["To"] = sms.To, ["ErrorCode"] = "30003" }));
            }
        }

        var client = Host.CreateClient();
        foreach (var (query, form) in callbacks.OrderBy(_ => Next()))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/twilio/status" + query) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(CallbackUrl + query, form));
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await client.SendAsync(request)).StatusCode);
        }

        Sink.Chaos = null;
        Sink.DropAfterAccepting = null;
        Sink.ListChaos = null;
        await DrainUntilEmptyAsync(dispatchers);

        // One fallback email per undelivered SMS, and nothing else.
        var undeliveredTexts = Sink.Messages.Where(m => undelivered.Contains(m.Sid)).Select(m => m.Body[..m.Body.IndexOf(". Reply STOP", StringComparison.Ordinal)]).ToList();
        Assert.Equal(undeliveredTexts.Order(StringComparer.Ordinal), Mail.Emails.Select(e => e.Text[..e.Text.IndexOf(".\n", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        output.WriteLine($"callbacks: {callbacks.Count} posted, {undelivered.Count} undelivered, {Mail.Emails.Count} fallback emails");
    }

    /// <summary>Queues notifications round-robin over new subscribers; every permanentEvery-th goes alone to a subscriber whose sends fail permanently.</summary>
    private async Task<Dictionary<string, (string SubscriberId, bool Permanent)>> EnqueueAsync(int count, int subscribers, int permanentEvery, bool withEmail = false)
    {
        var ids = new List<string>();
        for (var i = 0; i < subscribers; i++)
        {
            ids.Add(await TestSubscribers.SeedAsync(Host.Services, $"+1415555{(1000 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}", withEmail ? $"chaos{i}@example.com" : null));
        }

        var queue = Host.Services.GetRequiredService<INotificationQueue>();
        var expected = new Dictionary<string, (string, bool)>();
        for (var i = 0; i < count; i++)
        {
            var permanent = permanentEvery > 0 && i % permanentEvery == 0;
            var subscriber = permanent ? await TestSubscribers.SeedAsync(Host.Services, $"+1415555{(2000 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}") : ids[i % ids.Count];
            var rule = i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            var notification = new Notification(Notification.IdFor(subscriber, rule, 1), subscriber, [new RuleEpisode(rule, 1)], Notification.SmsChannel,
                $"DeRisk chaos {i}{(permanent ? " " + PermanentMarker : "")}. Reply STOP to end.", Time.GetUtcNow());
            await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default);
            expected[notification.Id] = (subscriber, permanent);
        }

        return expected;
    }

    private static async Task DrainUntilEmptyAsync(IReadOnlyList<Dispatcher> dispatchers)
    {
        for (var round = 0; round < 2_000; round++)
        {
            var results = await Task.WhenAll(dispatchers.Select(d => d.DrainAsync(default)));
            if (results.All(r => r.Received == 0))
            {
                return;
            }
        }

        Assert.Fail("The queue did not drain in 2,000 rounds.");
    }

    private async Task AssertEveryNotificationSettledOnceAsync(Dictionary<string, (string SubscriberId, bool Permanent)> expected)
    {
        var accepted = Sink.Messages.GroupBy(m => m.Body).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(accepted, a => Assert.Equal(1, a.Value));

        var deliveries = Host.Services.GetRequiredService<DeliveryStore>();
        var records = new Dictionary<string, DeliveryRecord>();
        foreach (var subscriber in expected.Values.Select(v => v.SubscriberId).Distinct())
        {
            foreach (var record in await deliveries.ListAsync(subscriber, default))
            {
                records[record.NotificationId] = record;
            }
        }

        var dead = new Dictionary<string, DeadLetteredMessage>();
        var queue = Host.Services.GetRequiredService<INotificationQueue>();
        foreach (var message in await PeekAllDeadLettersAsync(queue))
        {
            Assert.True(dead.TryAdd(message.MessageId, message), $"{message.MessageId} dead-lettered twice");
        }

        Assert.Equal(expected.Count, records.Count);
        foreach (var (id, (_, permanent)) in expected)
        {
            var record = records[id];
            switch (record.Status)
            {
                case DeliveryStatus.Sent:
                    Assert.False(permanent);
                    Assert.False(dead.ContainsKey(id));
                    Assert.NotNull(record.ProviderId);
                    break;
                case DeliveryStatus.Failed:
                    Assert.True(permanent);
                    Assert.Equal("Twilio21211", dead[id].Reason);
                    break;
                case DeliveryStatus.DeadLettered:
                    Assert.False(permanent);
                    Assert.Equal("MaxDeliveryCountExceeded", dead[id].Reason);
                    Assert.Equal(3, record.Attempts);
                    break;
                default:
                    Assert.Fail($"{id} ended {record.Status}");
                    break;
            }
        }

        Assert.Equal(records.Values.Count(r => r.Status == DeliveryStatus.Sent), Sink.Messages.Count);
        Assert.Equal(records.Values.Count(r => r.Status != DeliveryStatus.Sent), dead.Count);
    }

    /// <summary>Peek sees at most 32 at a time: read the dead letters out (this test owns its queues).</summary>
    private static async Task<List<DeadLetteredMessage>> PeekAllDeadLettersAsync(INotificationQueue queue)
    {
        var storage = Assert.IsType<StorageNotificationQueue>(queue);
        return await storage.DrainDeadLettersAsync(default);
    }
}
