using DeRisk.Functions.Http;
using DeRisk.Ops;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Ops;

/// <summary>Operators' endpoints, guarded by function keys (x-functions-key header or ?code=).</summary>
public sealed class OpsFunctions(OpsService ops)
{
    [Function("OpsHealth")]
    public async Task<IResult> HealthAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/health")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ops.HealthAsync(cancellationToken).ConfigureAwait(false));

    [Function("OpsSubscribers")]
    public async Task<IResult> SubscribersAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ops/subscribers")] HttpRequest request, CancellationToken cancellationToken) =>
        ApiResults.From(await ops.SubscribersAsync(request.Query["pageSize"].FirstOrDefault(), request.Query["continuation"].FirstOrDefault(), cancellationToken).ConfigureAwait(false));
}
