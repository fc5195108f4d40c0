using Microsoft.AspNetCore.Http;

namespace DeRisk.Functions.Http;

/// <summary>What Twilio posts to a webhook: its form fields and X-Twilio-Signature, or the 415 for anything not a form.</summary>
public static class TwilioWebhook
{
    public sealed record Request(string QueryString, IReadOnlyDictionary<string, string> Form, string? Signature);

    public static async Task<(Request? Request, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Twilio posts application/x-www-form-urlencoded."));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The form body could not be read."));
        }

        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        return (new Request(request.QueryString.Value ?? "", fields, request.Headers["X-Twilio-Signature"].FirstOrDefault()), null);
    }

    public static IResult Forbidden() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid signature");
}
