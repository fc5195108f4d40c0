using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Ops;

/// <summary>Wires the operators' health and subscriber listing.</summary>
public static class OpsServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskOps(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<OpsService>();
        return builder;
    }
}
