using DeRisk.Delivery;
using DeRisk.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Delivery;

/// <summary>Twilio's inbound SMS webhook (STOP / START / HELP). Anonymous at the gateway: X-Twilio-Signature is the authentication.</summary>
public sealed class TwilioInboundFunction(InboundSmsService inbound)
{
    [Function("TwilioInbound")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/inbound")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (webhook, problem) = await TwilioWebhook.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        return await inbound.HandleAsync(webhook.QueryString, webhook.Form, webhook.Signature, cancellationToken).ConfigureAwait(false) is InboundOutcome.Reply reply
            ? TypedResults.Text(reply.TwiML, "application/xml")
            : TwilioWebhook.Forbidden();
    }
}
