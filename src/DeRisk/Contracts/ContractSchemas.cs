using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DeRisk.Rules;
using DeRisk.SignUp;
using DeRisk.Subscribers;

namespace DeRisk.Contracts;

/// <summary>
/// JSON Schemas of the request records, exported from the records themselves with <see cref="JsonSchemaExporter"/>
/// and <see cref="ContractJson.Options"/>, so the OpenAPI document describes exactly what the API reads: a client
/// generator gets real types (each rule kind with its fields and enums), not "an object with a kind".
/// </summary>
public static class ContractSchemas
{
    /// <summary>The component schemas generated from records, by their name in the OpenAPI document.</summary>
    public static IReadOnlyDictionary<string, Type> Components { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["Rule"] = typeof(RuleSpec),
        ["SignUp"] = typeof(SignUpRequest),
        ["Confirm"] = typeof(ConfirmRequest),
        ["AddChannel"] = typeof(AddChannelRequest),
        ["ConfirmChannel"] = typeof(ConfirmChannelRequest),
        ["Preferences"] = typeof(PreferencesRequest),
        ["QuietHours"] = typeof(QuietHoursRequest),
        ["PreviewRequest"] = typeof(Preview.PreviewRequest),
    };

    /// <summary>The schema of <paramref name="type"/>, its internal references rewritten to sit under #/components/schemas/<paramref name="name"/>.</summary>
    public static JsonObject Export(Type type, string name)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = static (context, schema) =>
            {
                if (context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(SchemaRefAttribute), inherit: false).OfType<SchemaRefAttribute>().FirstOrDefault() is { } reference)
                {
                    // A member kept as raw JSON to be read by its own reader (a rule inside a preview request).
                    return new JsonObject { ["$ref"] = "#/components/schemas/" + reference.Component };
                }

                if (context.PropertyInfo is { } property && IsDuration(property))
                {
                    // The converter writes "15m", not TimeSpan's "00:15:00"; the exporter cannot see into a custom converter.
                    return new JsonObject
                    {
                        ["type"] = Nullable.GetUnderlyingType(property.PropertyType) is null ? "string" : new JsonArray("string", "null"),
                        ["pattern"] = DurationJsonConverter.Pattern,
                        ["description"] = "A whole number and a unit (s, m, h, d), e.g. \"15m\", \"6h\", \"2d\".",
                    };
                }

                if (schema is JsonObject annotated)
                {
                    Annotate(annotated, context.PropertyInfo?.AttributeProvider ?? (context.PropertyInfo is null ? context.TypeInfo.Type : null));
                }

                if (context.TypeInfo.PolymorphismOptions is { } polymorphism && context.PropertyInfo is null && schema is JsonObject union
                    && union["anyOf"] is JsonArray kinds)
                {
                    // The reader requires the discriminator ("kind"), so the schema says so in every branch.
                    foreach (var kind in kinds.OfType<JsonObject>())
                    {
                        var required = kind["required"] as JsonArray ?? [];
                        if (!required.Any(r => r?.GetValue<string>() == polymorphism.TypeDiscriminatorPropertyName))
                        {
                            required.Insert(0, polymorphism.TypeDiscriminatorPropertyName);
                        }

                        kind["required"] = required;
                    }
                }

                return schema;
            },
        };
        var schema = ContractJson.Options.GetJsonSchemaAsNode(type, exporter).AsObject();
        RebaseReferences(schema, "#/components/schemas/" + name);
        return schema;
    }

    /// <summary>What the record says beyond its types: [Description], [Range], [RegularExpression], [StringLength].</summary>
    private static void Annotate(JsonObject schema, ICustomAttributeProvider? provider)
    {
        foreach (var attribute in provider?.GetCustomAttributes(inherit: false) ?? [])
        {
            switch (attribute)
            {
                case DescriptionAttribute description:
                    schema["description"] = description.Description;
                    break;
                case RangeAttribute range:
                    schema["minimum"] = JsonValue.Create(Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture));
                    schema["maximum"] = JsonValue.Create(Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture));
                    break;
                case RegularExpressionAttribute expression:
                    schema["pattern"] = expression.Pattern;
                    break;
                case StringLengthAttribute length:
                    schema["maxLength"] = length.MaximumLength;
                    break;
            }
        }
    }

    private static bool IsDuration(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonConverterAttribute), inherit: true)
            .OfType<JsonConverterAttribute>().Any(a => a.ConverterType == typeof(DurationJsonConverter)) == true;

    /// <summary>Every component, ready to be set into an OpenAPI document's components.schemas.</summary>
    public static IEnumerable<KeyValuePair<string, JsonObject>> ExportAll() =>
        Components.Select(c => KeyValuePair.Create(c.Key, Export(c.Value, c.Key)));

    /// <summary>"#" and "#/anyOf/6/..." are relative to the exported schema's root; in the document they live under <paramref name="root"/>.</summary>
    private static void RebaseReferences(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue reference && reference.GetValue<string>() is { } target && target.StartsWith('#') && !target.StartsWith("#/components/", StringComparison.Ordinal))
                    {
                        obj["$ref"] = root + target[1..];
                    }
                    else
                    {
                        RebaseReferences(value, root);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RebaseReferences(item, root);
                }

                break;
        }
    }

    /// <summary>Indented JSON, for a diff a person can read.</summary>
    public static string ToText(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
