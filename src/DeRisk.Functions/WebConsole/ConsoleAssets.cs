using System.Collections.Frozen;

namespace DeRisk.Functions.WebConsole;

/// <summary>One file of the console: its bytes and content type.</summary>
public sealed record ConsoleFile(string Path, string ContentType, byte[] Content);

/// <summary>
/// The subscriber console's static files, embedded in this assembly at build time (WebConsole/wwwroot, plus uPlot copied
/// from node_modules by the build): a fixed set read once. Only a path that is exactly one of their names is served,
/// so no request can reach anything else (there is no file system behind it).
/// </summary>
public static class ConsoleAssets
{
    private const string Prefix = "DeRisk.Functions.console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, ConsoleFile>> Files = new(Load);

    /// <summary>The served paths, relative to /api/console/.</summary>
    public static IEnumerable<string> Paths => Files.Value.Keys;

    /// <summary>The file at <paramref name="path"/> ("" is index.html), or null when there is none by that exact name.</summary>
    public static ConsoleFile? Find(string? path) =>
        Files.Value.TryGetValue(string.IsNullOrEmpty(path) ? "index.html" : path, out var file) ? file : null;

    private static FrozenDictionary<string, ConsoleFile> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = name[Prefix.Length..];
            if (!ContentTypes.TryGetValue(System.IO.Path.GetExtension(path), out var contentType))
            {
                throw new InvalidOperationException($"The console file {path} has no known content type.");
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[path] = new ConsoleFile(path, contentType, copy.ToArray());
        }

        if (!files.ContainsKey("index.html"))
        {
            throw new InvalidOperationException("The console's index.html is not embedded.");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
