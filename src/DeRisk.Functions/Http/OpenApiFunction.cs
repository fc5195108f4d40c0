using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Http;

/// <summary>Serves the API's OpenAPI 3.1 description (openapi.json, embedded; a test holds it equal to the functions' routes).</summary>
public sealed class OpenApiFunction
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiFunction).Assembly.GetManifestResourceStream("DeRisk.Functions.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    [Function("OpenApi")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        TypedResults.Bytes(Document.Value, "application/json");
}
