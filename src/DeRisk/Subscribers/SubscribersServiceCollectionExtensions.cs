using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Subscribers;

/// <summary>Wires the subscriber store, the /me service and erasure, and the API's one JSON shape.</summary>
public static class SubscribersServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskSubscribers(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddKeyedSingleton(Clocks.Wall, TimeProvider.System);
        builder.Services.TryAddSingleton<SubscriberStore>();
        builder.Services.TryAddSingleton<MeService>();
        builder.Services.TryAddSingleton<SubscriberErasure>();

        // API responses use the contracts' one JSON shape: the same options as requests, storage and the OpenAPI schemas.
        builder.Services.ConfigureHttpJsonOptions(json => Contracts.ContractJson.Apply(json.SerializerOptions));
        return builder;
    }
}
