using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeRisk.Contracts;
using DeRisk.Functions.Http;
using DeRisk.Functions.Tick;
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

    [Fact]
    public async Task The_served_schemas_are_the_ones_exported_from_the_records_and_every_reference_resolves()
    {
        var served = JsonNode.Parse(await Host.CreateClient().GetStringAsync("/api/openapi.json"))!.AsObject();
        var schemas = served["components"]!["schemas"]!.AsObject();
        foreach (var (name, type) in ContractSchemas.Components)
        {
            Assert.True(JsonNode.DeepEquals(ContractSchemas.Export(type, name), schemas[name]), $"{name} differs from its record");
        }

        Assert.True(JsonNode.DeepEquals(OpenApiFunction.Compose(), served));
        foreach (var reference in References(served))
        {
            Assert.True(Resolve(served, reference) is not null, $"{reference} does not resolve");
        }
    }

    [Fact]
    public void The_rule_schema_names_every_kind_with_its_own_fields_and_nothing_else()
    {
        var rule = ContractSchemas.Export(typeof(DeRisk.Rules.RuleSpec), "Rule");
        var kinds = rule["anyOf"]!.AsArray().Select(k => k!["properties"]!["kind"]!["const"]!.GetValue<string>()).ToList();
        Assert.Equal(["priceChange", "priceLevel", "sentiment", "depeg", "drawdown", "portfolioDrawdown", "allOf", "anyOf"], kinds);

        var priceChange = rule["anyOf"]![0]!.AsObject();
        Assert.False(priceChange["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(["kind", "asset", "direction", "percent", "window"], priceChange["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["1h", "24h", "7d"], priceChange["properties"]!["window"]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(DurationJsonConverter.Pattern, priceChange["properties"]!["for"]!["pattern"]!.GetValue<string>());
        var children = rule["anyOf"]![6]!["properties"]!["rules"]!["items"]!["$ref"]!.GetValue<string>();
        Assert.Equal("#/components/schemas/Rule", children);
    }

    [Fact]
    public void Request_schemas_carry_what_their_records_say_beyond_types()
    {
        var signUp = ContractSchemas.Export(typeof(DeRisk.SignUp.SignUpRequest), "SignUp");
        Assert.False(signUp["additionalProperties"]!.GetValue<bool>());
        Assert.Equal((1d, 100d), (signUp["properties"]!["dailyCap"]!["minimum"]!.GetValue<double>(), signUp["properties"]!["dailyCap"]!["maximum"]!.GetValue<double>()));
        Assert.Equal(DeRisk.Subscribers.PreferencesRequest.TimePattern, signUp["properties"]!["quietHours"]!["properties"]!["start"]!["pattern"]!.GetValue<string>());
        Assert.Equal(["start", "end"], signUp["properties"]!["quietHours"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("E.164", signUp["properties"]!["phone"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("^[0-9]{6}$", ContractSchemas.Export(typeof(DeRisk.SignUp.ConfirmRequest), "Confirm")["properties"]!["code"]!["pattern"]!.GetValue<string>());
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" ? [p.Value!.GetValue<string>()] : References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };

    private static JsonNode? Resolve(JsonNode root, string reference)
    {
        JsonNode? node = root;
        foreach (var segment in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[name],
                JsonArray array when int.TryParse(name, out var index) && index < array.Count => array[index],
                _ => null,
            };
        }

        return node;
    }
}
