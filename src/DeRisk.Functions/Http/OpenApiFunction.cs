using System.Text.Json.Nodes;
using DeRisk.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Http;

/// <summary>
/// Serves the API's OpenAPI 3.1 description: the routes and prose of openapi.json (embedded; a test holds it equal to
/// the functions' routes) with the request records' schemas exported from the records themselves
/// (<see cref="ContractSchemas"/>).
/// </summary>
public sealed class OpenApiFunction
{
    private static readonly Lazy<byte[]> Document = new(() => System.Text.Encoding.UTF8.GetBytes(Compose().ToJsonString()));

    [Function("OpenApi")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        TypedResults.Bytes(Document.Value, "application/json");

    /// <summary>The document as served.</summary>
    public static JsonObject Compose()
    {
        using var stream = typeof(OpenApiFunction).Assembly.GetManifestResourceStream("DeRisk.Functions.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded.");
        var document = JsonNode.Parse(stream)!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (name, schema) in ContractSchemas.ExportAll())
        {
            if (schemas.ContainsKey(name))
            {
                throw new InvalidOperationException($"openapi.json defines '{name}' by hand; it is generated from its record.");
            }

            schemas[name] = schema;
        }

        return document;
    }
}
