using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>"ASSET drops (or rises) Percent % or more over Window." Resolves when the move is back under three quarters of it.</summary>
public sealed record PriceChangeRule(string Asset, ChangeDirection Direction, double Percent, RuleWindow Window) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    [JsonIgnore]
    public override bool IsRise => Direction == ChangeDirection.Rise;

    public const string Kind = "priceChange";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];

    [JsonIgnore]
    public TimeSpan WindowSpan => RuleWindows.Span(Window);
}
