using System.Globalization;
using Azure.Data.Tables;
using DeRisk.Rules;
using DeRisk.Storage;
using DeRisk.Subscribers;

namespace DeRisk.Cli;

/// <summary>What the load generator wrote.</summary>
public sealed record SeedResult(int Subscribers, int Rules, int Transactions, IReadOnlyDictionary<string, int> RulesByKind);

/// <summary>
/// The load generator: N synthetic subscribers with a realistic mix of rules (1-9 each, 5 on average), written as
/// the store writes them — one row per subscriber, rules included, in the subscriber's shard partition — in batch
/// transactions of 100 rows per partition. Deterministic for a seed. Numbers are from the fictional 555-01xx-style ranges and
/// emails on example.com; address index rows (sign-up's Contacts) are not written: synthetic subscribers never sign in.
/// </summary>
public sealed class SyntheticSubscribers(DeRiskTables tables, SubscriberStore store)
{
    private static readonly int[] DrawdownDays = [7, 14, 30];
    private static readonly string[] Zones = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Singapore", "Asia/Tokyo"];

    public async Task<SeedResult> SeedAsync(int count, int seed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var byShard = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        int rules = 0, transactions = 0;
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"5e{seed:x6}{i:x24}");
            var phone = string.Create(CultureInfo.InvariantCulture, $"+1{random.Next(201, 990)}555{random.Next(0, 10_000):D4}");
            var email = random.NextDouble() < 0.25 ? string.Create(CultureInfo.InvariantCulture, $"user{i}@example.com") : null;
            var quiet = random.NextDouble() < 0.3;
            var preferences = new DeliveryPreferences(Zones[random.Next(Zones.Length)], quiet ? new TimeOnly(22, 0) : null, quiet ? new TimeOnly(7, 0) : null, random.Next(3, 11));
            var subscriber = new Subscriber(id, phone, ChannelState.Active, email, email is null ? ChannelState.None : ChannelState.Active, now, preferences);
            var shard = store.ShardOf(id);
            if (!byShard.TryGetValue(shard, out var actions))
            {
                byShard[shard] = actions = [];
            }

            var ruleCount = 1 + random.Next(5) + random.Next(5); // 1-9, mean 5
            var subscriberRules = new List<StoredRule>(ruleCount);
            for (var r = 0; r < ruleCount; r++)
            {
                var rule = NextRule(random);
                kinds[rule.KindName] = kinds.GetValueOrDefault(rule.KindName) + 1;
                subscriberRules.Add(new StoredRule(string.Create(CultureInfo.InvariantCulture, $"{r:x8}{i:x24}"), rule, now));
                rules++;
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, store.ToEntity(subscriber, subscriberRules)));
            if (actions.Count == 100)
            {
                await SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
                transactions++;
                actions.Clear();
            }
        }

        foreach (var actions in byShard.Values.Where(a => a.Count > 0))
        {
            await SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
            transactions++;
        }

        return new SeedResult(count, rules, transactions, kinds);
    }

    private async Task SubmitAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken) =>
        await tables.Subscribers.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);

    /// <summary>The mix: mostly BTC/ETH drops, then drawdowns and stablecoin depegs, some sentiment, price levels and combinations.</summary>
    private static RuleSpec NextRule(Random random)
    {
        var pick = random.NextDouble();
        var major = random.NextDouble() < 0.7 ? "BTC" : "ETH";
        return pick switch
        {
            < 0.40 => new PriceChangeRule(major, ChangeDirection.Drop, 5 * random.Next(1, 5), random.NextDouble() < 0.7 ? RuleWindow.OneDay : RuleWindow.SevenDays),
            < 0.55 => new DrawdownRule(major, 5 * random.Next(3, 9), DrawdownDays[random.Next(DrawdownDays.Length)]),
            < 0.70 => new DepegRule(random.NextDouble() < 0.5 ? "USDC" : "USDT", random.Next(1, 6)),
            < 0.80 => new SentimentRule(SentimentComparison.AtOrBelow, 5 * random.Next(2, 6)),
            < 0.90 => new PriceLevelRule("BTC", PriceComparison.Below, 5_000 * random.Next(4, 13)),
            _ => new AllOfRule([new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 20)]),
        };
    }
}
