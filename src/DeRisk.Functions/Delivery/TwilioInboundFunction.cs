using DeRisk.Access;
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
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Twilio posts application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        return await inbound.HandleAsync(request.QueryString.Value ?? "", fields, request.Headers["X-Twilio-Signature"].FirstOrDefault(), cancellationToken).ConfigureAwait(false) switch
        {
            InboundOutcome.Reply reply => TypedResults.Text(reply.TwiML, "application/xml"),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid signature"),
        };
    }
}
