using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using DeRisk.Delivery;
using DeRisk.Housekeeping;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Housekeeping;

/// <summary>The daily clean-up on Azurite: only what is already dead goes; sign-ups never confirmed go with all they hold.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HousekeepingTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private HousekeepingService Housekeeping => Host.Services.GetRequiredService<HousekeepingService>();

    private DeRiskTables Tables => Host.Services.GetRequiredService<DeRiskTables>();

    private SubscriberStore Subscribers => Host.Services.GetRequiredService<SubscriberStore>();

    private HttpClient Client(string address)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Counters_whose_window_ended_are_deleted_and_running_ones_kept()
    {
        var limiter = Host.Services.GetRequiredService<RateLimiter>();
        Assert.True((await limiter.TryAcquireAsync("hourly", "203.0.113.9", 5, TimeSpan.FromHours(1), default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync("daily", "203.0.113.9", 5, TimeSpan.FromDays(1), default)).Allowed);
        Time.Advance(TimeSpan.FromHours(2));

        var result = await Housekeeping.RunAsync(default);

        Assert.Equal(1, result.ExpiredLimits);
        var left = Assert.Single(await RowsAsync(Tables.Limits));
        Assert.StartsWith("daily:", left.PartitionKey, StringComparison.Ordinal);

        // The daily counter still counts: its window has not ended.
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await limiter.TryAcquireAsync("daily", "203.0.113.9", 5, TimeSpan.FromDays(1), default)).Allowed);
        }

        Assert.False((await limiter.TryAcquireAsync("daily", "203.0.113.9", 5, TimeSpan.FromDays(1), default)).Allowed);
    }

    [Fact]
    public async Task A_pending_address_of_a_subscriber_who_deleted_their_data_goes_once_its_code_expires()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550161");
        // A sign-up naming their number and a new email: the number's code is the owner's, the email's belongs to a new
        // pending subscriber; nothing claims the email until its code comes back.
        var signUp = await Client("198.51.100.61").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550161", email = "new-address@example.com" });
        Assert.Equal(HttpStatusCode.Accepted, signUp.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await subscriber.Client.DeleteAsync("/api/me")).StatusCode);
        var codeRows = (await RowsAsync(Tables.Contacts)).Where(r => r.RowKey == "code").ToList();
        Assert.Single(codeRows);

        // Before the code expires nothing goes; after, the last trace of the address does.
        Assert.Equal(0, (await Housekeeping.RunAsync(default)).ExpiredCodes);
        Time.Advance(TimeSpan.FromMinutes(11));
        var result = await Housekeeping.RunAsync(default);

        Assert.Equal(1, result.ExpiredCodes);
        Assert.Empty(await RowsAsync(Tables.Contacts));
    }

    [Fact]
    public async Task A_sign_up_never_confirmed_is_deleted_after_the_set_time_and_confirmed_or_recent_ones_are_kept()
    {
        var client = Client("198.51.100.62");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550162", email = "abandoned@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550163" })).StatusCode);
        var confirmed = await TestSubscribers.SignUpAsync(Host, Sink, "+14155550164", client: "198.51.100.63");
        var contacts = Host.Services.GetRequiredService<ContactStore>();
        var abandonedId = await TestSubscribers.PendingIdAsync(Host.Services, Notification.SmsChannel, "+14155550162");
        var returningId = await TestSubscribers.PendingIdAsync(Host.Services, Notification.SmsChannel, "+14155550163");

        // Six days on, nothing is old enough.
        Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, (await Housekeeping.RunAsync(default)).AbandonedSignUps);

        // A day later one of them asks for a code again, just before the clean-up runs: a sign-up naming no held address
        // is a new pending subscriber, and its fresh code is that subscriber's, so both old sign-ups are abandoned.
        Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550163" })).StatusCode);
        var freshId = await TestSubscribers.PendingIdAsync(Host.Services, Notification.SmsChannel, "+14155550163");
        var result = await Housekeeping.RunAsync(default);

        Assert.Equal(2, result.AbandonedSignUps);
        Assert.Null(await Subscribers.GetProfileAsync(abandonedId, default));
        Assert.Null(await Subscribers.GetProfileAsync(returningId, default));
        Assert.NotNull(await Subscribers.GetProfileAsync(freshId, default));
        Assert.Null(await contacts.OwnerAsync(Notification.SmsChannel, "+14155550162", default));
        Assert.Null(await contacts.OwnerAsync(Notification.EmailChannel, "abandoned@example.com", default));
        Assert.NotNull(await Subscribers.GetProfileAsync(confirmed.Id, default));
        Assert.Equal(HttpStatusCode.OK, (await confirmed.Client.GetAsync("/api/me")).StatusCode);

        // The one who came back confirms the fresh code: the erasure of their old sign-up left it alone.
        var confirm = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550163", code = TestSubscribers.LastCode(Sink, "+14155550163") });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(freshId, (await confirm.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("subscriberId").GetString());

        // Nothing of the abandoned sign-up is left anywhere.
        var snapshot = await TableSnapshot.TakeAsync(Host.Services);
        Assert.DoesNotContain(abandonedId, snapshot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Market_points_and_snapshots_past_their_retention_go_and_daily_rows_and_recent_ones_stay()
    {
        var tick = Host.Services.GetRequiredService<DeRisk.Tick.MarketTick>();
        var market = Host.Services.GetRequiredService<DeRisk.Market.MarketStore>();
        await tick.RunAsync(default);
        var first = (await market.LatestSnapshotAsync(default))!;
        var dailyBefore = (await RowsAsync(Tables.MarketDaily)).Count;
        var historyBefore = (await RowsAsync(Tables.MarketHistory)).Count;
        Assert.True(historyBefore > 0);

        // 32 days on (retention 31 days): the first tick's points and snapshot are past it, the new tick's are not.
        Time.Advance(TimeSpan.FromDays(32));
        await tick.RunAsync(default);
        var second = (await market.LatestSnapshotAsync(default))!;
        var result = await Housekeeping.RunAsync(default);

        Assert.Null(await market.SnapshotAtAsync(first.TakenAt, default));
        Assert.NotNull(await market.SnapshotAtAsync(second.TakenAt, default));
        var history = await RowsAsync(Tables.MarketHistory);
        Assert.NotEmpty(history);
        Assert.All(history, row => Assert.True(row.GetDateTimeOffset("AsOf") >= Time.GetUtcNow() - TimeSpan.FromDays(31)));
        Assert.Equal(historyBefore + 1, result.OldMarketRows);
        Assert.True((await RowsAsync(Tables.MarketDaily)).Count >= dailyBefore);
        Assert.NotNull(await market.LastTickAsync(default));
    }

    [Fact]
    public async Task Delivery_records_past_their_retention_go_and_recent_ones_stay()
    {
        var deliveries = Host.Services.GetRequiredService<DeliveryStore>();
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550165");
        Notification NotificationFor(int episode) => new(Notification.IdFor(subscriberId, "0000000000000000000000000000000b", episode), subscriberId,
            [new RuleEpisode("0000000000000000000000000000000b", episode)], Notification.SmsChannel, "DeRisk: test", Time.GetUtcNow());
        await deliveries.RecordUnsentAsync(NotificationFor(1), DeliveryStatus.Suppressed, "quiet", Time.GetUtcNow(), default);
        Time.Advance(TimeSpan.FromDays(60));
        await deliveries.RecordUnsentAsync(NotificationFor(2), DeliveryStatus.Suppressed, "quiet", Time.GetUtcNow(), default);
        Time.Advance(TimeSpan.FromDays(31));

        var result = await Housekeeping.RunAsync(default);

        Assert.Equal(1, result.OldDeliveries);
        var left = Assert.Single(await deliveries.ListAsync(subscriberId, default));
        Assert.Equal(NotificationFor(2).Id, left.NotificationId);
    }
}
