using System.Text.Json;

namespace DeRisk.LocalHost;

/// <summary>
/// Reads the "Values" of local.settings.json — the file `func start` reads — so the local host and Core Tools run
/// on one settings file. "Section__Key" names become "Section:Key", as the Functions host maps them.
/// </summary>
public static class LocalSettings
{
    public static void AddLocalSettings(this ConfigurationManager configuration, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var settings = values.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()));

        // Below environment variables and the command line, as in the Functions host: those override the file.
        var sources = (IList<IConfigurationSource>)((IConfigurationBuilder)configuration).Sources;
        var insertAt = sources.Select((s, i) => (s, i)).Where(x => x.s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource).Select(x => x.i + 1).DefaultIfEmpty(0).Max();
        sources.Insert(insertAt, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = settings });
    }
}
