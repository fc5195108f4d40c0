using DeRisk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>Wires the market: options, the replay or the live providers (CoinGecko, alternative.me) with standard resilience, the poller, store, view loader, backfill and asset list.</summary>
public static class MarketServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskMarket(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddKeyedSingleton(Clocks.Wall, TimeProvider.System);
        var services = builder.Services;
        services.AddValidatedOptions<MarketOptions>(MarketOptions.Section);
        services.AddValidatedOptions<ReplayOptions>(ReplayOptions.Section);
        services.AddOptions<CoinGeckoOptions>().BindConfiguration(CoinGeckoOptions.Section)
            .Configure<IConfiguration>((coinGecko, configuration) => coinGecko.PollSchedule = configuration["MarketPollSchedule"] ?? coinGecko.PollSchedule)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoinGeckoOptions>, CoinGeckoBudgetValidator>();
        services.AddValidatedOptions<AlternativeMeOptions>(AlternativeMeOptions.Section);
        services.TryAddSingleton<MarketStore>();
        services.TryAddSingleton<MarketPoller>();
        services.TryAddSingleton<MarketViewLoader>();
        services.TryAddSingleton<MarketBackfill>();
        services.TryAddSingleton<MarketAssets>();

        var mode = builder.Configuration.GetSection(MarketOptions.Section).GetValue(nameof(MarketOptions.Mode), MarketMode.Replay);
        if (mode == MarketMode.Replay)
        {
            // A replay runs on its own clock so that windows, staleness and schedules all live in replayed time.
            services.TryAddSingleton<TimeProvider>(sp =>
            {
                var replay = sp.GetRequiredService<IOptions<ReplayOptions>>().Value;
                return new ReplayClock(replay.Start, replay.Speed);
            });
            services.TryAddSingleton(ReplayDataset.Default);
            services.TryAddSingleton<ReplaySource>();
            services.AddSingleton<IMarketSource>(sp => sp.GetRequiredService<ReplaySource>());
            services.AddSingleton<IHistorySource>(sp => sp.GetRequiredService<ReplaySource>());
        }
        else
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddHttpClient<CoinGeckoSource>((sp, http) =>
                {
                    var options = sp.GetRequiredService<IOptions<CoinGeckoOptions>>().Value;
                    http.BaseAddress = new Uri(options.EffectiveBaseUrl);
                    if (options.EffectiveApiKey is { } key)
                    {
                        http.DefaultRequestHeaders.Add(options.KeyHeader, key);
                    }
                })
                .AddStandardResilienceHandler()
                .Configure((resilience, sp) => Apply(resilience, sp.GetRequiredService<IOptions<CoinGeckoOptions>>().Value, sp.GetRequiredKeyedService<TimeProvider>(Clocks.Wall)));
            services.AddHttpClient<AlternativeMeSource>((sp, http) =>
                    http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AlternativeMeOptions>>().Value.BaseUrl))
                .AddStandardResilienceHandler()
                .Configure((resilience, sp) => Apply(resilience, sp.GetRequiredService<IOptions<AlternativeMeOptions>>().Value, sp.GetRequiredKeyedService<TimeProvider>(Clocks.Wall)));
            services.TryAddSingleton(sp => new FearAndGreedSchedule(sp.GetRequiredKeyedService<TimeProvider>(Clocks.Wall)));
            services.AddTransient<IMarketSource>(sp => sp.GetRequiredService<CoinGeckoSource>());
            services.AddTransient<IMarketSource>(sp => sp.GetRequiredService<AlternativeMeSource>());
            services.AddTransient<IHistorySource>(sp => sp.GetRequiredService<CoinGeckoSource>());
            services.AddTransient<IHistorySource>(sp => sp.GetRequiredService<AlternativeMeSource>());
        }

        return builder;
    }

    private static void Apply(HttpStandardResilienceOptions resilience, UpstreamOptions upstream, TimeProvider wallClock)
    {
        resilience.AttemptTimeout.Timeout = upstream.Timeout;
        resilience.Retry.MaxRetryAttempts = Math.Max(1, upstream.RetryAttempts);
        // A provider that asks to wait longer than MaxRetryDelay (Retry-After: 60) is not retried within this poll: the
        // poll fails at once and the next one tries again, instead of holding the tick for the provider's wait.
        var standard = resilience.Retry.ShouldHandle;
        resilience.Retry.ShouldHandle = upstream.RetryAttempts == 0
            ? static _ => ValueTask.FromResult(false)
            : args => args.Outcome.Result?.Headers.RetryAfter is { } retryAfter
                && (retryAfter.Delta ?? (retryAfter.Date - wallClock.GetUtcNow()) ?? TimeSpan.Zero) > upstream.MaxRetryDelay
                ? ValueTask.FromResult(false)
                : standard(args);
        resilience.Retry.Delay = upstream.RetryDelay;
        resilience.Retry.MaxDelay = upstream.MaxRetryDelay;
        resilience.Retry.UseJitter = true;
        resilience.TotalRequestTimeout.Timeout = (upstream.Timeout * (upstream.RetryAttempts + 1)) + (upstream.MaxRetryDelay * upstream.RetryAttempts) + TimeSpan.FromSeconds(1);
        resilience.CircuitBreaker.SamplingDuration = upstream.Timeout * 2 > TimeSpan.FromSeconds(30) ? upstream.Timeout * 2 : TimeSpan.FromSeconds(30);
    }
}
