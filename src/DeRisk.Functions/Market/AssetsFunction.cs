using DeRisk.Market;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Market;

/// <summary>
/// What rules can watch, with the latest value and its age. Anonymous: public market data that the sign-up page needs
/// before anyone has a token, nothing about any subscriber, one table read; answers may be cached for a minute.
/// </summary>
public sealed class AssetsFunction(MarketAssets assets)
{
    [Function("Assets")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets")] HttpRequest request, CancellationToken cancellationToken)
    {
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(await assets.ListAsync(cancellationToken).ConfigureAwait(false));
    }
}
