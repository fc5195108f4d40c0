using System.Net;
using System.Text.Json;
using DeRisk.Functions.Market;
using DeRisk.LocalHost.Functions;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Hosting;

/// <summary>The served OpenAPI document describes exactly the HTTP functions there are, with their methods.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OpenApiTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Fact]
    public async Task The_document_lists_every_route_and_method_of_the_functions_and_nothing_else()
    {
        var response = await Host.CreateClient().GetAsync("/api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("3.1.0", document.RootElement.GetProperty("openapi").GetString());

        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                documented.Add($"{operation.Name.ToUpperInvariant()} {path.Name} {operation.Value.GetProperty("operationId").GetString()}");
            }
        }

        var catalog = new FunctionCatalog(typeof(MarketPollFunction).Assembly);
        var served = new SortedSet<string>(catalog.Http.SelectMany(f => f.Methods.Select(m => $"{m} /{f.Route} {f.Name}")), StringComparer.Ordinal);
        Assert.Equal(served, documented);
    }
}
