using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DeRisk.Contracts;

/// <summary>
/// Reads a request body into its record with <see cref="ContractJson.Options"/>. Before deserializing, the body is
/// walked against the record's own System.Text.Json contract (its properties, which are required, which are nullable,
/// its polymorphic kinds, its element types), so the client learns every structural mistake at once, each under its
/// path ("percent", "rules[1].value"), instead of only the first one the deserializer meets. Ranges and configuration
/// checks belong to the record's validator, which runs on the typed value afterwards.
/// </summary>
public static class ContractReader
{
    private const int MaxEcho = 40;
    private static readonly ConcurrentDictionary<Type, JsonSerializerOptions> ConverterOptions = new();

    public static ContractRead<T> Read<T>(JsonElement json)
        where T : class
    {
        var errors = new FieldErrors();
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "The body must be a JSON object.");
            return ContractRead.Invalid<T>(errors);
        }

        Check(json, ContractJson.Options.GetTypeInfo(typeof(T)), "", errors);
        if (errors.Count > 0)
        {
            return ContractRead.Invalid<T>(errors);
        }

        try
        {
            return json.Deserialize<T>(ContractJson.Options) is { } value ? ContractRead.Valid(value) : Fail("$", "Required.");
        }
        catch (JsonException ex)
        {
            // The walk above mirrors the contract, so this is a converter's own refusal: named by the deserializer's path.
            return Fail(Field(ex.Path), OwnMessage(ex) ?? "Has the wrong type.");
        }

        ContractRead<T> Fail(string field, string message)
        {
            errors.Add(field, message);
            return ContractRead.Invalid<T>(errors);
        }
    }

    /// <summary>Echo at most 40 characters of client input in a field name or an error.</summary>
    public static string Shorten(string? value) =>
        value is null ? "" : value.Length <= MaxEcho ? value : value[..MaxEcho] + "…";

    /// <summary>The JSON names of an enum's values as the contract writes them, e.g. 'drop', 'rise'.</summary>
    public static IEnumerable<string> EnumNames(Type enumType) =>
        Enum.GetValues(enumType).Cast<object>().Select(v => JsonSerializer.Serialize(v, enumType, ContractJson.Options).Trim('"'));

    private static void Check(JsonElement json, JsonTypeInfo info, string path, FieldErrors errors)
    {
        var type = Nullable.GetUnderlyingType(info.Type) is { } underlying ? underlying : info.Type;
        if (type != info.Type)
        {
            info = ContractJson.Options.GetTypeInfo(type);
        }

        if (info.PolymorphismOptions is { } polymorphism)
        {
            CheckPolymorphic(json, info, polymorphism, path, errors);
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(json, info, path, errors, discriminator: null);
                break;
            case JsonTypeInfoKind.Enumerable:
                if (json.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(Name(path), "Must be an array.");
                    return;
                }

                var index = 0;
                var element = ContractJson.Options.GetTypeInfo(info.ElementType!);
                foreach (var item in json.EnumerateArray())
                {
                    Check(item, element, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]", errors);
                    index++;
                }

                break;
            case JsonTypeInfoKind.Dictionary:
                if (json.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(Name(path), "Must be an object.");
                    return;
                }

                var value = ContractJson.Options.GetTypeInfo(info.ElementType!);
                foreach (var entry in json.EnumerateObject())
                {
                    Check(entry.Value, value, Join(path, Shorten(entry.Name)), errors);
                }

                break;
            default:
                CheckValue(json, info, path, errors);
                break;
        }
    }

    private static void CheckPolymorphic(JsonElement json, JsonTypeInfo info, JsonPolymorphismOptions polymorphism, string path, FieldErrors errors)
    {
        var name = polymorphism.TypeDiscriminatorPropertyName;
        var kinds = polymorphism.DerivedTypes.Select(d => d.TypeDiscriminator?.ToString() ?? "").ToList();
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Name(path), "Must be a JSON object.");
            return;
        }

        if (!json.TryGetProperty(name, out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
        {
            errors.Add(Join(path, name), $"Required: one of {string.Join(", ", kinds)}.");
            return;
        }

        var kind = kindElement.GetString();
        var derived = polymorphism.DerivedTypes.FirstOrDefault(d => string.Equals(d.TypeDiscriminator?.ToString(), kind, StringComparison.Ordinal));
        if (derived.DerivedType is null)
        {
            errors.Add(Join(path, name), $"Unknown {Describe(info.Type)} kind '{Shorten(kind)}'; expected one of {string.Join(", ", kinds)}.");
            return;
        }

        CheckObject(json, ContractJson.Options.GetTypeInfo(derived.DerivedType), path, errors, discriminator: name);
    }

    private static void CheckObject(JsonElement json, JsonTypeInfo info, string path, FieldErrors errors, string? discriminator)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Name(path), "Must be a JSON object.");
            return;
        }

        var properties = info.Properties.Where(p => p.Get is not null || p.AssociatedParameter is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name != discriminator && !properties.ContainsKey(property.Name))
            {
                errors.Add(Join(path, Shorten(property.Name)), "Unknown field.");
            }
        }

        foreach (var property in properties.Values)
        {
            var field = Join(path, property.Name);
            var present = json.TryGetProperty(property.Name, out var value) && value.ValueKind != JsonValueKind.Null;
            if (!present)
            {
                var required = property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false };
                var nullable = property.AssociatedParameter?.IsNullable ?? property.IsSetNullable;
                if (required || (value.ValueKind == JsonValueKind.Null && !nullable))
                {
                    errors.Add(field, "Required.");
                }

                continue;
            }

            if (property.CustomConverter is { } converter)
            {
                CheckValue(value, WithConverter(converter).GetTypeInfo(property.PropertyType), field, errors);
            }
            else
            {
                Check(value, ContractJson.Options.GetTypeInfo(property.PropertyType), field, errors);
            }
        }
    }

    /// <summary>The contract's options with a property's own converter (e.g. durations), to check that property's value alone.</summary>
    private static JsonSerializerOptions WithConverter(JsonConverter converter) =>
        ConverterOptions.GetOrAdd(converter.GetType(), static (_, c) =>
        {
            var options = new JsonSerializerOptions(ContractJson.Options);
            options.Converters.Insert(0, c);
            options.MakeReadOnly(populateMissingResolver: true);
            return options;
        }, converter);

    private static void CheckValue(JsonElement json, JsonTypeInfo info, string path, FieldErrors errors)
    {
        try
        {
            _ = json.Deserialize(info);
        }
        catch (JsonException ex)
        {
            errors.Add(Name(path), OwnMessage(ex) ?? Expected(info.Type, json));
        }
    }

    /// <summary>What a value of this type looks like, said to a client who sent something else.</summary>
    private static string Expected(Type type, JsonElement json) => type switch
    {
        _ when type.IsEnum => json.ValueKind == JsonValueKind.String
            ? $"'{Shorten(json.GetString())}' is not one of {string.Join(", ", EnumNames(type).Select(n => $"'{n}'"))}."
            : $"Must be one of {string.Join(", ", EnumNames(type).Select(n => $"'{n}'"))}.",
        _ when type == typeof(string) => "Must be a string.",
        _ when type == typeof(bool) => "Must be true or false.",
        _ when type == typeof(int) || type == typeof(long) => "Must be a whole number.",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "Must be a number.",
        _ when type == typeof(TimeOnly) => "Must be a time of day such as \"07:00\".",
        _ when type == typeof(DateOnly) => "Must be a date such as \"2022-05-10\".",
        _ when type == typeof(DateTimeOffset) => "Must be a time such as \"2022-05-10T00:00:00Z\".",
        _ => "Has the wrong type.",
    };

    /// <summary>A converter's own message ("Must be a duration ..."), not one of the serializer's, which name .NET types.</summary>
    private static string? OwnMessage(JsonException ex) =>
        ex.Message.Contains("Path:", StringComparison.Ordinal) || ex.Message.StartsWith("The JSON", StringComparison.Ordinal) || ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? null
            : ex.Message;

    private static string Describe(Type type) =>
        JsonNamingPolicy.CamelCase.ConvertName(type.Name.EndsWith("Spec", StringComparison.Ordinal) ? type.Name[..^4] : type.Name);

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Name(string path) => path.Length == 0 ? "$" : path;

    /// <summary>"$.rules[1].value" as the client's field path "rules[1].value".</summary>
    private static string Field(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}

internal static class ContractRead
{
    public static ContractRead<T> Valid<T>(T value)
        where T : class => new(value, new Dictionary<string, string[]>());

    public static ContractRead<T> Invalid<T>(FieldErrors errors)
        where T : class => new(null, errors.ToDictionary());
}
