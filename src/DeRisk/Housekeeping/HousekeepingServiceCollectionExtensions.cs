using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Housekeeping;

/// <summary>Wires the daily housekeeping.</summary>
public static class HousekeepingServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskHousekeeping(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddKeyedSingleton(Clocks.Wall, TimeProvider.System);
        builder.Services.TryAddSingleton<HousekeepingService>();
        return builder;
    }
}
