using DeRisk.SignUp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DeRisk.Functions.Http;

public static class HttpServices
{
    /// <summary>
    /// What the HTTP functions need beyond the core: bearer authentication, and the client address for rate limits
    /// with the forwarded-headers options both hosts apply (the Functions worker in <see cref="RequestGuardMiddleware"/>,
    /// the local host with UseForwardedHeaders).
    /// </summary>
    public static IHostApplicationBuilder AddDeRiskHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<BearerAuthentication>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AccessOptions>>((forwarded, access) => Configure(forwarded, access.Value));
        return builder;
    }

    /// <summary>X-Forwarded-For only, from the trusted networks only, at most as many entries as there are trusted proxies.</summary>
    public static void Configure(ForwardedHeadersOptions forwarded, AccessOptions access)
    {
        forwarded.ForwardedHeaders = access.TrustedProxyCount > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
        forwarded.ForwardLimit = Math.Max(1, access.TrustedProxyCount);
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var network in access.ParseTrustedNetworks())
        {
            forwarded.KnownIPNetworks.Add(network);
        }
    }
}
