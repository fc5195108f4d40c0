using DeRisk.Delivery;
using DeRisk.Functions.Http;
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
        var (webhook, problem) = await TwilioWebhook.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        return await statuses.ApplyAsync(webhook.QueryString, webhook.Form, webhook.Signature, cancellationToken).ConfigureAwait(false) == StatusCallbackOutcome.Rejected
            ? TwilioWebhook.Forbidden()
            : TypedResults.NoContent();
    }
}
