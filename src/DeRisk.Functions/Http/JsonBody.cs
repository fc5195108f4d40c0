using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeRisk.Functions.Http;

/// <summary>Reads a JSON request body, or says (as problem details) why it cannot.</summary>
public static class JsonBody
{
    public const long MaxBytes = 16 * 1024;

    public static async Task<(JsonElement Json, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the body as application/json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (default, TooLarge());
        }

        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (limited.Length + read > MaxBytes)
                {
                    return (default, TooLarge());
                }

                limited.Write(buffer, 0, read);
            }

            using var document = JsonDocument.Parse(limited.ToArray());
            return WellFormed(document.RootElement)
                ? (document.RootElement.Clone(), null)
                : (default, Invalid("$", "Not valid JSON text: a string or property name holds an unpaired surrogate (\\ud800-\\udfff)."));
        }
        catch (JsonException ex)
        {
            // The parser's own message names reader options and internals; say only where the JSON broke.
            return (default, Invalid("$", ex.LineNumber is > 0
                ? $"Not valid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine}."
                : $"Not valid JSON at position {ex.BytePositionInLine ?? 0}."));
        }
    }

    /// <summary>
    /// Whether every string and property name can be read as text: the parser accepts an escaped lone surrogate
    /// ("\ud800"), which only fails when read, and a body must never fail later, deep in a service.
    /// </summary>
    private static bool WellFormed(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(p => p.Name is not null && WellFormed(p.Value));
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(WellFormed);
                case JsonValueKind.String:
                    return element.GetString() is not null;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"The body may hold at most {MaxBytes} bytes.");
}
