using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>A subscriber's de-risk rule. One JSON shape for the API, storage and the evaluator, discriminated by "kind".</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PriceChangeRule), PriceChangeRule.Kind)]
public abstract record RuleSpec
{
    /// <summary>The market symbols the rule reads.</summary>
    [JsonIgnore]
    public abstract IReadOnlyList<string> Symbols { get; }
}

public enum ChangeDirection
{
    Drop,
    Rise,
}

/// <summary>"ASSET drops (or rises) Percent % or more over Window."</summary>
public sealed record PriceChangeRule(string Asset, ChangeDirection Direction, double Percent, string Window) : RuleSpec
{
    public const string Kind = "priceChange";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];

    [JsonIgnore]
    public TimeSpan WindowSpan => RuleWindows.Parse(Window)!.Value;
}

/// <summary>The windows a windowed rule may use.</summary>
public static class RuleWindows
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> All = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
    };

    public static TimeSpan? Parse(string? name) =>
        name is not null && All.TryGetValue(name, out var span) ? span : null;
}
