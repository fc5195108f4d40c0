using DeRisk.Rules;
using DeRisk.Subscribers;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Demo;

/// <summary>Seeds one demo subscriber with rules that the May 2022 history trips, under fixed ids (seeding twice adds nothing).</summary>
internal sealed partial class DemoSeeder(SubscriberStore store, IOptions<DemoOptions> options, IOptions<DeRisk.Market.MarketOptions> market, TimeProvider time, ILogger<DemoSeeder> logger) : IHostedService
{
    public const string SubscriberId = "de000000000000000000000000000001";

    public static readonly IReadOnlyList<(string Id, RuleSpec Rule)> Rules =
    [
        ("de0000000000000000000000000000a1", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)),
        ("de0000000000000000000000000000a2", new DepegRule("UST", 3)),
        ("de0000000000000000000000000000a3", new AllOfRule([new PriceChangeRule("LUNA", ChangeDirection.Drop, 30, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 20)])),
    ];

    /// <summary>In live mode (scripts/run.sh --live): rules on today's market, year-long windows included, on assets live mode tracks.</summary>
    public static readonly IReadOnlyList<(string Id, RuleSpec Rule)> LiveRules =
    [
        ("de0000000000000000000000000000b1", new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)),
        ("de0000000000000000000000000000b2", new DepegRule("USDC", 1)),
        ("de0000000000000000000000000000b3", new DrawdownRule("BTC", 20, 365)),
        ("de0000000000000000000000000000b4", new DrawdownRule("ETH", 30, 365)),
        ("de0000000000000000000000000000b5", new SentimentRule(SentimentComparison.AtOrBelow, 20)),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var rules = market.Value.Mode == DeRisk.Market.MarketMode.Live ? LiveRules : Rules;
        var now = time.GetUtcNow();
        if (!await store.TryCreateAsync(new Subscriber(SubscriberId, options.Value.Phone, ChannelState.Active, options.Value.Email, string.IsNullOrEmpty(options.Value.Email) ? ChannelState.None : ChannelState.Active, now), cancellationToken))
        {
            LogAlreadySeeded(logger, SubscriberId);
            return;
        }

        foreach (var (id, rule) in rules)
        {
            await store.TryAddRuleAsync(SubscriberId, new StoredRule(id, rule, now), cancellationToken);
        }

        LogSeeded(logger, SubscriberId, rules.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Demo subscriber {SubscriberId} seeded with {Rules} rules")]
    private static partial void LogSeeded(ILogger logger, string subscriberId, int rules);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Demo subscriber {SubscriberId} already exists")]
    private static partial void LogAlreadySeeded(ILogger logger, string subscriberId);
}
