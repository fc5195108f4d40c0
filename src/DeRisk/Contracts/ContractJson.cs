using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeRisk.Contracts;

/// <summary>
/// The one JSON shape of DeRisk's records, for the HTTP API, storage, rules files and the OpenAPI schemas alike:
/// camelCase names, enums as camelCase strings, unknown members refused, required constructor parameters required
/// and nullable annotations respected, so the record is the whole contract.
/// </summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>Applies the contract's settings to options a host owns (e.g. ASP.NET Core's HTTP JSON options).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowOutOfOrderMetadataProperties = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
