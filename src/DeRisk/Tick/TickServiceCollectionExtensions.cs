using DeRisk.Hosting;
using DeRisk.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Tick;

/// <summary>Wires the tick: its options and the advice, the alert state store, the shard evaluator, the single-instance and fan-out ticks.</summary>
public static class TickServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskTick(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TickOptions>().BindConfiguration(TickOptions.Section)
            .Configure<IConfiguration>((tick, configuration) =>
            {
                tick.ShardQueueName = configuration["ShardQueueName"] ?? tick.ShardQueueName;
                tick.PollSchedule = configuration["MarketPollSchedule"] ?? tick.PollSchedule;
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddValidatedOptions<AdviceOptions>(AdviceOptions.Section);
        builder.Services.TryAddSingleton<AlertStateStore>();
        builder.Services.TryAddSingleton<ShardEvaluator>();
        builder.Services.TryAddSingleton<Evaluator>();
        builder.Services.TryAddSingleton<ShardTickQueue>();
        builder.Services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<ShardTickQueue>());
        builder.Services.TryAddSingleton<ShardTickService>();
        builder.Services.TryAddSingleton<MarketTick>();
        return builder;
    }
}
