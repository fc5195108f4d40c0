using DeRisk.Delivery;
using DeRisk.LocalHost.Functions;
using DeRisk.Rules;
using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Tick;

/// <summary>
/// Fan-out mode: the tick queues one message per shard and the local host runs the queue-triggered EvaluateShard
/// function on them, as Azure Functions would; the notifications equal the single-instance tick's, and a shard
/// message delivered twice queues nothing twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShardFanOutTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private readonly string _shardQueue = "shards-" + Guid.NewGuid().ToString("N")[..12];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tick:Mode"] = "FanOut",
        ["ShardQueueName"] = _shardQueue,
    };

    [Fact]
    public async Task The_fan_out_tick_evaluates_every_shard_through_the_queue_trigger_and_a_redelivered_shard_queues_nothing_twice()
    {
        var store = Host.Services.GetRequiredService<SubscriberStore>();
        var ids = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var id = await TestSubscribers.SeedAsync(Host.Services, "+1415555" + (300 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
            await store.TryAddRuleAsync(id, new StoredRule(RowKeys.NewId(Time), new DepegRule("UST", 3), Time.GetUtcNow()), default);
            ids.Add(id);
        }

        var tick = await Host.Services.GetRequiredService<MarketTick>().RunAsync(default);
        Assert.Equal((4, 0), (tick.ShardsQueued, tick.Evaluation.Notifications));
        var shardQueue = Host.Services.GetRequiredService<ShardTickQueue>().Queue;
        var messages = (await shardQueue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.Equal(4, messages.Count);

        // The local host's queue runner invokes the EvaluateShard function for each message and deletes it.
        var runner = Host.Services.GetRequiredService<QueueHost>();
        Assert.Equal(4, await runner.RunOnceAsync(default));
        Assert.Equal(0, await runner.RunOnceAsync(default));

        // Every shard message delivered again (a redelivery after a lost lock): nothing new is planned.
        foreach (var message in messages)
        {
            await shardQueue.SendMessageAsync(message);
        }

        Assert.Equal(4, await runner.RunOnceAsync(default));

        var queued = await Host.Services.GetRequiredService<INotificationQueue>().ReceiveAsync(32, TimeSpan.FromMinutes(1), default);
        queued = [.. queued, .. await Host.Services.GetRequiredService<INotificationQueue>().ReceiveAsync(32, TimeSpan.FromMinutes(1), default)];
        var notifications = queued.Select(m => Notification.FromBinary(m.Body)!).ToList();
        Assert.Equal(24, notifications.Count);
        Assert.Equal(ids.Order(), notifications.Select(n => n.SubscriberId).Order());
        Assert.Equal(notifications.Count, notifications.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_shard_message_that_keeps_failing_goes_to_the_poison_queue_after_five_attempts()
    {
        var shardQueue = Host.Services.GetRequiredService<ShardTickQueue>().Queue;
        await shardQueue.SendMessageAsync(new ShardTickMessage("s001", new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToJson());
        var runner = Host.Services.GetRequiredService<QueueHost>();

        for (var attempt = 0; attempt < QueueHost.MaxDequeueCount; attempt++)
        {
            Assert.Equal(1, await runner.RunOnceAsync(default));
        }

        Assert.Equal(0, await runner.RunOnceAsync(default));
        var poison = Host.Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(_shardQueue + "-poison");
        Assert.Single((await poison.PeekMessagesAsync(10)).Value);
    }
}
