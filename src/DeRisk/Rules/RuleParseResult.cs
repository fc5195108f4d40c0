namespace DeRisk.Rules;

/// <summary>A parsed rule, or the errors per field.</summary>
public sealed record RuleParseResult(RuleSpec? Rule, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Rule is not null;

    public static RuleParseResult Valid(RuleSpec rule) => new(rule, new Dictionary<string, string[]>());
}
