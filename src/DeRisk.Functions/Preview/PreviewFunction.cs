using DeRisk.Functions.Http;
using DeRisk.Preview;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Preview;

/// <summary>
/// <c>POST /api/preview</c>: what a rule (not yet saved) would have sent over a range of real history, with the
/// subscriber's bearer token. Authenticates first, then reads the body, then asks <see cref="PreviewService"/>.
/// </summary>
public sealed class PreviewFunction(PreviewService previews, BearerAuthentication auth)
{
    [Function("PreviewRule")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "preview")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await auth.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller.Problem is not null)
        {
            return caller.Problem;
        }

        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return problem ?? ApiResults.From(await previews.PreviewAsync(caller.SubscriberId!, json, cancellationToken).ConfigureAwait(false));
    }
}
