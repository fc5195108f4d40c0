namespace DeRisk.Contracts;

/// <summary>Describes a member kept as raw JSON (read by its own reader) as the named component schema.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SchemaRefAttribute(string component) : Attribute
{
    public string Component { get; } = component;
}
