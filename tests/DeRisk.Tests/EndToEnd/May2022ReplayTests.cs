using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeRisk.Delivery;
using DeRisk.Rules;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.EndToEnd;

/// <summary>
/// The whole path on real parts: replayed May 2022 ticks -> snapshot and history in Table Storage (Azurite) -> rule
/// evaluated -> alert state -> notification on the Storage queue -> dispatcher -> Twilio SDK -> a Twilio stand-in on
/// 127.0.0.1 -> delivery recorded. Expectations are derived from the CSV, day by day.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class May2022ReplayTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 1, 0, 0, 30, TimeSpan.Zero))
{

    [Fact]
    public async Task Btc_drop_rule_sends_exactly_the_sms_the_history_implies_on_the_right_days_and_never_twice()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550100");
        var client = subscriber.Client;
        var ruleResponse = await client.PostAsJsonAsync("/api/me/rules",
            new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" });
        Assert.Equal(HttpStatusCode.Created, ruleResponse.StatusCode);

        var tick = Host.Services.GetRequiredService<MarketTick>();
        var dispatcher = Host.Services.GetRequiredService<Dispatcher>();

        // Expected from the CSV: the tick at day D 00:00:30 sees the close of D-1 against the close of D-2.
        // An episode starts when the change is at or below -10 % and no episode is open; it closes only once the
        // change is back above -7.5 % (the hysteresis margin).
        var expected = new List<(DateOnly Day, double Change)>();
        var firing = false;
        for (var day = new DateOnly(2022, 5, 1); day <= new DateOnly(2022, 5, 31); day = day.AddDays(1))
        {
            if (day == new DateOnly(2022, 5, 1))
            {
                // The first poll has no stored history: no data, no alert.
                await RunDayAsync(tick, dispatcher, day);
                Assert.Empty(Sink.Messages);
                continue;
            }

            var change = ((History.BtcClose(day.AddDays(-1)) / History.BtcClose(day.AddDays(-2))) - 1) * 100;
            var met = change <= -10;
            if (met && !firing)
            {
                expected.Add((day, change));
                firing = true;
            }
            else if (firing && change > -10 * RuleEvaluator.ChangeRecovery)
            {
                firing = false;
            }

            var result = await RunDayAsync(tick, dispatcher, day);
            Assert.Equal(met ? 1 : 0, result.Evaluation.Met);
            Assert.Equal(expected.Count, Sink.Messages.Count);
        }

        Assert.NotEmpty(expected);
        var messages = Sink.Messages.ToList();
        Assert.Equal(expected.Count, messages.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var percent = expected[i].Change.ToString("+0.0;-0.0", CultureInfo.InvariantCulture);
            Assert.Contains($"BTC {percent}% in 24h (your limit -10.0%), now $", messages[i].Body, StringComparison.Ordinal);
            Assert.Equal("+14155550100", messages[i].To);
            Assert.Equal("+15005550006", messages[i].From);
            Assert.True(messages[i].Body.Length <= AlertMessageRenderer.SmsSegmentLength, messages[i].Body);
            Assert.True(AlertMessageRenderer.IsGsm7(messages[i].Body), messages[i].Body);
        }

        // The delivery is recorded with Twilio's SID.
        var deliveries = await Host.Services.GetRequiredService<DeliveryStore>().ListAsync(subscriber.Id, default);
        Assert.Equal(messages.Select(m => m.Sid).Order(), deliveries.Select(d => d.ProviderId!).Order());
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));

        // The same tick again sends nothing more.
        await RunDayAsync(tick, dispatcher, new DateOnly(2022, 5, 31));
        Assert.Equal(expected.Count, Sink.Messages.Count);

        // The queue delivering the same notification again sends nothing more either.
        var first = deliveries[0];
        var queue = Host.Services.GetRequiredService<INotificationQueue>();
        var rule = JsonDocument.Parse(await ruleResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var again = new Notification(first.NotificationId, subscriber.Id, [new RuleEpisode(rule, 1)], Notification.SmsChannel, "duplicate", Time.GetUtcNow());
        await queue.SendAsync(new OutgoingMessage(again.Id, again.ToBinary()), default);
        var drained = await dispatcher.DrainAsync(default);
        Assert.Equal((1, 1, 0), (drained.Received, drained.Duplicates, drained.Sent));
        Assert.Equal(expected.Count, Sink.Messages.Count);
        Assert.Equal(expected.Count, Sink.Requests);
    }

    [Fact]
    public async Task Stale_or_missing_prices_report_no_data_and_fire_nothing()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550101");
        var client = subscriber.Client;
        foreach (var asset in new[] { "BTC", "USDC" })
        {
            var response = await client.PostAsJsonAsync("/api/me/rules",
                new { kind = "priceChange", asset, direction = "drop", percent = 10, window = "24h" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var tick = Host.Services.GetRequiredService<MarketTick>();

        // Build history on schedule up to the tick of 2022-05-09.
        for (var day = new DateOnly(2022, 5, 7); day <= new DateOnly(2022, 5, 9); day = day.AddDays(1))
        {
            Time.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero));
            await tick.RunAsync(default);
        }

        // At 06:00 the newest BTC value is still the close as of 00:00: six hours old, past the 15-minute limit.
        Time.SetUtcNow(new DateTimeOffset(2022, 5, 9, 6, 0, 0, TimeSpan.Zero));
        var result = await tick.RunAsync(default);

        Assert.Equal(DeRisk.Market.QuoteStatus.Stale, result.Snapshot.Get("BTC").Status);
        Assert.Null(result.Snapshot.Get("BTC").Value);
        Assert.Equal(DeRisk.Market.QuoteStatus.Missing, result.Snapshot.Get("USDC").Status);
        Assert.Equal((2, 2, 0, 0), (result.Evaluation.Rules, result.Evaluation.NoData, result.Evaluation.Met, result.Evaluation.Fired));
        var drained = await Host.Services.GetRequiredService<Dispatcher>().DrainAsync(default);
        Assert.Equal(0, drained.Received);
        Assert.Empty(Sink.Messages);

        // The rule itself is live: with the fresh close of 05-09 (-11.6 %) it fires; USDC stays without data.
        Time.SetUtcNow(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero));
        var fresh = await tick.RunAsync(default);
        Assert.Equal((1, 1), (fresh.Evaluation.Fired, fresh.Evaluation.NoData));
    }

    private async Task<TickResult> RunDayAsync(MarketTick tick, Dispatcher dispatcher, DateOnly day)
    {
        Time.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero));
        var result = await tick.RunAsync(default);
        while ((await dispatcher.DrainAsync(default)).Received > 0)
        {
        }

        return result;
    }
}
