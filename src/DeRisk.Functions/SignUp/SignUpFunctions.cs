using DeRisk.Functions.Http;
using DeRisk.SignUp;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.SignUp;

/// <summary>Sign-up with double opt-in: anonymous, rate limited per client and per address.</summary>
public sealed class SignUpFunctions(SignUpService signUps)
{
    [Function("SignUp")]
    public async Task<IResult> SignUpAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "subscribers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return problem ?? ApiResults.From(await signUps.SignUpAsync(json, ClientAddress.Of(request), cancellationToken).ConfigureAwait(false));
    }

    [Function("Confirm")]
    public async Task<IResult> ConfirmAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "subscribers/confirm")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return problem ?? ApiResults.From(await signUps.ConfirmAsync(json, ClientAddress.Of(request), cancellationToken).ConfigureAwait(false));
    }
}
