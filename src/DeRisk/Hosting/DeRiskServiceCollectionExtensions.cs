using DeRisk.Delivery;
using DeRisk.Housekeeping;
using DeRisk.Market;
using DeRisk.Ops;
using DeRisk.Preview;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Hosting;

/// <summary>
/// The composition root shared by the Functions app, the local host and the tests: each folder's AddX, in the order
/// the data flows, all on <see cref="IHostApplicationBuilder"/>.
/// </summary>
public static class DeRiskServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRisk(this IHostApplicationBuilder builder)
    {
        builder.AddDeRiskStorage();
        builder.AddDeRiskMarket();
        builder.AddDeRiskTick();
        builder.AddDeRiskDelivery();
        builder.AddDeRiskSubscribers();
        builder.AddDeRiskSignUp();
        builder.AddDeRiskOps();
        builder.AddDeRiskHousekeeping();
        builder.AddDeRiskPreview();

        // The whole app (not AddDeRiskMarket alone, which hosts without storage use): the backfill as a step at start.
        builder.Services.AddHostedService<MarketBackfillOnStart>();
        return builder;
    }

    /// <summary>Binds a section to its options, validated by their data annotations when the host starts.</summary>
    internal static void AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }
}
