using DeRisk.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Delivery;

/// <summary>Twilio's status callback. Anonymous at the gateway: the X-Twilio-Signature is the authentication.</summary>
public sealed class TwilioStatusFunction(DeliveryStatusService statuses)
{
    [Function("TwilioStatus")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/status")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Twilio posts application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var outcome = await statuses.ApplyAsync(request.QueryString.Value ?? "", fields, request.Headers["X-Twilio-Signature"].FirstOrDefault(), cancellationToken).ConfigureAwait(false);
        return outcome == StatusCallbackOutcome.Rejected
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid signature")
            : TypedResults.NoContent();
    }
}
