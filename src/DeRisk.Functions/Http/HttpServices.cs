using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Functions.Http;

public static class HttpServices
{
    /// <summary>What the HTTP functions need beyond the core: bearer authentication and the client address for rate limits.</summary>
    public static IHostApplicationBuilder AddDeRiskHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<BearerAuthentication>();
        builder.Services.TryAddSingleton<ClientAddress>();
        return builder;
    }
}
