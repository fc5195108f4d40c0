using DeRisk.Cli;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Scale;

/// <summary>The load generator writes what the store reads and the tick evaluates: a realistic, deterministic mix.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LoadGeneratorTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Fact]
    public async Task Seeded_subscribers_are_spread_over_the_shards_with_five_rules_on_average_of_every_common_kind_and_the_tick_evaluates_them()
    {
        var seeded = await ActivatorUtilities.CreateInstance<SyntheticSubscribers>(Host.Services).SeedAsync(400, seed: 42, Time.GetUtcNow(), default);

        var store = Host.Services.GetRequiredService<SubscriberStore>();
        var perShard = new List<int>();
        var read = new List<SubscriberWithRules>();
        foreach (var shard in store.Shards)
        {
            var inShard = new List<SubscriberWithRules>();
            await foreach (var entry in store.ScanShardAsync(shard, default))
            {
                inShard.Add(entry);
            }

            perShard.Add(inShard.Count);
            read.AddRange(inShard);
        }

        Assert.Equal((400, seeded.Rules), (read.Count, read.Sum(r => r.Rules.Count)));
        Assert.All(perShard, n => Assert.InRange(n, 60, 140)); // 400 over 4 shards by hash
        Assert.InRange(seeded.Rules / 400.0, 4.5, 5.5);
        Assert.All(read, r => Assert.InRange(r.Rules.Count, 1, 9));
        Assert.Equal(new[] { AllOfRule.Kind, DepegRule.Kind, DrawdownRule.Kind, PriceChangeRule.Kind, PriceLevelRule.Kind, SentimentRule.Kind }, seeded.RulesByKind.Keys.Order());
        Assert.All(read.SelectMany(r => r.Rules), rule => Assert.True(rule.Spec.KindName.Length > 0));

        var again = await ActivatorUtilities.CreateInstance<SyntheticSubscribers>(Host.Services).SeedAsync(400, seed: 42, Time.GetUtcNow(), default);
        Assert.Equal(seeded.Rules, again.Rules); // deterministic: the same rows, upserted

        var tick = await Host.Services.GetRequiredService<MarketTick>().RunAsync(default);
        Assert.Equal((400, seeded.Rules), (tick.Evaluation.Subscribers, tick.Evaluation.Rules));
    }
}
