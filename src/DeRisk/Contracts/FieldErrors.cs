namespace DeRisk.Contracts;

/// <summary>Errors per field path, in the order they were found; several per field are kept.</summary>
public sealed class FieldErrors
{
    /// <summary>The most fields one answer names: a 16 KB body of mistakes must not become a far larger problem reply.</summary>
    public const int MaxFields = 50;

    private const string More = "More mistakes were found; fix these first.";

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            if (_errors.Count >= MaxFields)
            {
                _errors.TryAdd("$", [More]);
                return;
            }

            _errors[field] = list = [];
        }

        if (list.Count < 4)
        {
            list.Add(message);
        }
    }

    /// <summary>Whether any error was recorded at or under <paramref name="path"/>.</summary>
    public bool HasAnyUnder(string path) =>
        path.Length == 0 ? _errors.Count > 0 : _errors.Keys.Any(k => k == path || k.StartsWith(path + ".", StringComparison.Ordinal) || k.StartsWith(path + "[", StringComparison.Ordinal));

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
