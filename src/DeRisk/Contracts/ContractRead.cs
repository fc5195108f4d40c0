namespace DeRisk.Contracts;

/// <summary>A typed request body, or what is wrong with it, per field.</summary>
public sealed record ContractRead<T>(T? Value, IReadOnlyDictionary<string, string[]> Errors)
    where T : class
{
    public bool IsValid => Value is not null && Errors.Count == 0;
}
