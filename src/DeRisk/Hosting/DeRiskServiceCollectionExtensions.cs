using Azure.Core;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Identity;
using Azure.Storage.Queues;
using DeRisk.Access;
using DeRisk.Alerts;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Preview;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace DeRisk.Hosting;

/// <summary>
/// The composition root shared by the Functions app, the local host and the tests: one AddX per capability,
/// all on <see cref="IHostApplicationBuilder"/>.
/// </summary>
public static class DeRiskServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRisk(this IHostApplicationBuilder builder)
    {
        builder.AddDeRiskStorage();
        builder.AddDeRiskMarket();
        builder.AddDeRiskDelivery();
        builder.AddDeRiskAlerts();
        builder.AddDeRiskSubscribers();
        builder.AddDeRiskPreview();

        // The whole app (not AddDeRiskMarket alone, which hosts without storage use): the backfill as a step at start.
        builder.Services.AddHostedService<MarketBackfillOnStart>();
        return builder;
    }

    public static IHostApplicationBuilder AddDeRiskStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return storage.UsesIdentity
                ? new TableServiceClient(storage.TableServiceUri(), sp.GetRequiredService<TokenCredential>())
                : new TableServiceClient(storage.ConnectionString);
        });
        services.TryAddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            return storage.UsesIdentity
                ? new QueueServiceClient(storage.QueueServiceUri(), sp.GetRequiredService<TokenCredential>(), options)
                : new QueueServiceClient(storage.ConnectionString, options);
        });
        services.TryAddSingleton<DeRiskTables>();
        services.AddHostedService<StorageInitializer>();
        return builder;
    }

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

    public static IHostApplicationBuilder AddDeRiskDelivery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<NotificationQueueOptions>(NotificationQueueOptions.Section);
        services.AddValidatedOptions<DispatchOptions>(DispatchOptions.Section);
        services.AddValidatedOptions<TwilioOptions>(TwilioOptions.Section);
        services.AddValidatedOptions<SendGridOptions>(SendGridOptions.Section);
        services.AddValidatedOptions<ServiceBusOptions>(ServiceBusOptions.Section);
        var serviceBus = builder.Configuration.GetSection(ServiceBusOptions.Section).Get<ServiceBusOptions>() ?? new ServiceBusOptions();
        if (serviceBus.IsConfigured)
        {
            // Service Bus when configured: one long-lived client, sender and receivers.
            services.TryAddSingleton(sp =>
            {
                var bus = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
                return string.IsNullOrWhiteSpace(bus.ConnectionString)
                    ? new ServiceBusClient(bus.FullyQualifiedNamespace, sp.GetRequiredService<TokenCredential>())
                    : new ServiceBusClient(bus.ConnectionString);
            });
            services.TryAddSingleton<INotificationQueue>(sp =>
            {
                var client = sp.GetRequiredService<ServiceBusClient>();
                var queue = sp.GetRequiredService<IOptions<NotificationQueueOptions>>().Value;
                return new ServiceBusNotificationQueue(
                    ServiceBusLane.For(client, queue.QueueName),
                    ServiceBusLane.For(client, queue.CriticalQueueName),
                    sp.GetRequiredService<IOptions<ServiceBusOptions>>(),
                    sp.GetRequiredService<TimeProvider>(),
                    string.IsNullOrWhiteSpace(serviceBus.ConnectionString)
                        ? new Azure.Messaging.ServiceBus.Administration.ServiceBusAdministrationClient(serviceBus.FullyQualifiedNamespace, sp.GetRequiredService<TokenCredential>())
                        : new Azure.Messaging.ServiceBus.Administration.ServiceBusAdministrationClient(serviceBus.ConnectionString));
            });
        }
        else
        {
            services.TryAddSingleton<StorageNotificationQueue>();
            services.TryAddSingleton<INotificationQueue>(sp => sp.GetRequiredService<StorageNotificationQueue>());
            services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<StorageNotificationQueue>());
        }
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<SendPacer>();
        services.TryAddSingleton<TwilioSignature>();
        services.TryAddSingleton<DeliveryStatusService>();
        services.TryAddSingleton<Dispatcher>();

        services.TryAddTransient<TwilioBaseUrlHandler>();
        services.AddHttpClient(TwilioSmsSender.HttpClientName, (sp, http) =>
                http.Timeout = sp.GetRequiredService<IOptions<TwilioOptions>>().Value.Timeout)
            .AddHttpMessageHandler<TwilioBaseUrlHandler>();
        services.TryAddSingleton<ISmsSender, TwilioSmsSender>();

        services.AddHttpClient(SendGridEmailSender.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<SendGridOptions>>().Value.Timeout);
        services.TryAddSingleton<IEmailSender, SendGridEmailSender>();
        return builder;
    }

    public static IHostApplicationBuilder AddDeRiskAlerts(this IHostApplicationBuilder builder)
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

    public static IHostApplicationBuilder AddDeRiskSubscribers(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddKeyedSingleton(Clocks.Wall, TimeProvider.System);
        builder.Services.TryAddSingleton<SubscriberStore>();
        builder.Services.TryAddSingleton<MeService>();
        builder.Services.TryAddSingleton<SubscriberErasure>();
        builder.Services.AddValidatedOptions<AccessOptions>(AccessOptions.Section);
        builder.Services.TryAddSingleton<ContactStore>();
        builder.Services.TryAddSingleton<TokenStore>();
        builder.Services.TryAddSingleton<RateLimiter>();
        builder.Services.TryAddSingleton<ConfirmationCodes>();
        builder.Services.TryAddSingleton<SignUpService>();
        builder.Services.TryAddSingleton<ChannelService>();
        builder.Services.TryAddSingleton<InboundSmsService>();
        builder.Services.TryAddSingleton<OpsService>();
        builder.Services.TryAddSingleton<HousekeepingService>();

        // API responses use the contracts' one JSON shape: the same options as requests, storage and the OpenAPI schemas.
        builder.Services.ConfigureHttpJsonOptions(json => Contracts.ContractJson.Apply(json.SerializerOptions));
        return builder;
    }

    private static void AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
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
