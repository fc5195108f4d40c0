using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using DeRisk.Contracts;

namespace DeRisk.Rules;

/// <summary>
/// A subscriber's de-risk rule: one record per kind, and the only definition of a rule's shape. The API reads it
/// (<see cref="RuleParser"/>: <see cref="ContractReader"/> then <see cref="RuleValidator"/>), storage and rules files
/// hold it, and the OpenAPI schema is exported from it, all with <see cref="ContractJson.Options"/>. Every kind also
/// takes an optional "name" and the lifecycle fields "for" (how long the condition must hold before it fires),
/// "repeatEvery" (a firing alert notifies again after this) and "allClear" (say so when it resolves), at the top level.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PriceChangeRule), PriceChangeRule.Kind)]
[JsonDerivedType(typeof(PriceLevelRule), PriceLevelRule.Kind)]
[JsonDerivedType(typeof(SentimentRule), SentimentRule.Kind)]
[JsonDerivedType(typeof(DepegRule), DepegRule.Kind)]
[JsonDerivedType(typeof(DrawdownRule), DrawdownRule.Kind)]
[JsonDerivedType(typeof(PortfolioDrawdownRule), PortfolioDrawdownRule.Kind)]
[JsonDerivedType(typeof(AllOfRule), AllOfRule.Kind)]
[JsonDerivedType(typeof(AnyOfRule), AnyOfRule.Kind)]
public abstract record RuleSpec
{
    public const int MaxNameLength = 40;

    /// <summary>The subscriber's name for the rule, e.g. "BTC crash"; shown in messages when it fits.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [StringLength(MaxNameLength)]
    public string? Name { get; init; }

    /// <summary>Hold time, e.g. "15m": the condition must hold this long before the alert fires.</summary>
    [JsonPropertyName("for")]
    [JsonConverter(typeof(DurationJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? For { get; init; }

    /// <summary>While firing, notify again after this long, e.g. "6h". Never, when absent.</summary>
    [JsonConverter(typeof(DurationJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? RepeatEvery { get; init; }

    /// <summary>
    /// Within one episode, notify once more each time the value goes this many percentage points further past the limit
    /// (priceChange, drawdown, depeg and portfolioDrawdown rules): "worse: BTC -21.3% in 24h, was -11.6% at the first
    /// alert". Each step at most once; at least 1 point; 0 turns it off. Depeg rules escalate every <see cref="DefaultDepegEscalation"/> points
    /// unless told otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(0, 100)]
    public double? EscalateEvery { get; init; }

    /// <summary>The smallest escalation step: finer steps would re-alert on noise.</summary>
    public const double MinEscalation = 1;

    /// <summary>Depeg alerts escalate every 5 percentage points by default: a stablecoin at $0.94 is worse news than at $0.99.</summary>
    public const double DefaultDepegEscalation = 5;

    /// <summary>Whether the rule has a depth that can deepen: a percent past its limit.</summary>
    [JsonIgnore]
    public virtual bool CanEscalate => false;

    /// <summary>The escalation step in effect, in percentage points, or null when the rule does not escalate.</summary>
    [JsonIgnore]
    public double? EscalationStep => !CanEscalate ? null
        : EscalateEvery is { } step ? (step > 0 ? step : null)
        : this is DepegRule ? DefaultDepegEscalation : null;

    /// <summary>
    /// How many whole steps past its limit a met verdict is (0 at the limit): the escalation level the verdict reaches.
    /// Zero when the rule does not escalate or the verdict is not met.
    /// </summary>
    public int StepOf(Verdict verdict)
    {
        if (EscalationStep is not { } step || verdict.Kind != VerdictKind.Met)
        {
            return 0;
        }

        var past = (Math.Abs(verdict.Observed) - Math.Abs(verdict.Threshold)) / step;
        return past > 0 ? (int)Math.Min(1000, Math.Floor(past + 1e-9)) : 0;
    }

    /// <summary>Send an all-clear message when the alert resolves.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AllClear { get; init; }

    [JsonIgnore]
    public TimeSpan HoldFor => For ?? TimeSpan.Zero;

    /// <summary>The market symbols the rule reads.</summary>
    [JsonIgnore]
    public abstract IReadOnlyList<string> Symbols { get; }

    /// <summary>The "kind" this rule has in JSON: its [JsonDerivedType] discriminator, written once, above.</summary>
    [JsonIgnore]
    public string KindName => KindNames[GetType()];

    private static readonly FrozenDictionary<Type, string> KindNames =
        typeof(RuleSpec).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false).Cast<JsonDerivedTypeAttribute>()
            .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>Depeg alerts are critical: people de-risk into stablecoins, so a broken one matters most.</summary>
    [JsonIgnore]
    public virtual bool IsCritical => false;

    /// <summary>
    /// Whether this rule, as met on this market, is critical: a combination is critical only through a child that is
    /// met and critical itself, so anyOf(depeg USDC, BTC -10 %) fired by BTC alone is an ordinary alert.
    /// </summary>
    public virtual bool IsCriticalOn(Market.MarketView market) => IsCritical;

    /// <summary>Whether the rule watches for a rise (greed, a price above a level or up by a percent), not a fall.</summary>
    [JsonIgnore]
    public virtual bool IsRise => false;
}

public enum ChangeDirection
{
    Drop,
    Rise,
}

/// <summary>How a price is compared with its level: strictly, since a level is a line to cross.</summary>
public enum PriceComparison
{
    Below,
    Above,
}

/// <summary>How the Fear &amp; Greed index is compared with its value: inclusively, since it moves in whole points.</summary>
public enum SentimentComparison
{
    AtOrBelow,
    AtOrAbove,
}

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

/// <summary>"ASSET below (or above) Level USD." Resolves when the price is 1 % back on the other side.</summary>
public sealed record PriceLevelRule(string Asset, PriceComparison When, double Level) : RuleSpec
{
    [JsonIgnore]
    public override bool IsRise => When == PriceComparison.Above;

    public const string Kind = "priceLevel";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];
}

/// <summary>"Fear &amp; Greed at or below (or at or above) Value." Resolves 5 points back on the other side.</summary>
public sealed record SentimentRule(SentimentComparison When, int Value) : RuleSpec
{
    [JsonIgnore]
    public override bool IsRise => When == SentimentComparison.AtOrAbove;

    public const string Kind = "sentiment";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Market.Assets.FearAndGreed];
}

/// <summary>"Stablecoin ASSET more than Percent % away from 1.00, either side." Resolves within half of it.</summary>
public sealed record DepegRule(string Asset, double Percent) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "depeg";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];

    [JsonIgnore]
    public override bool IsCritical => true;
}

/// <summary>"ASSET Percent % or more below its Days-day high." Resolves once back within three quarters of it.</summary>
public sealed record DrawdownRule(string Asset, double Percent, int Days) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "drawdown";
    public const int MaxDays = 365;

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];
}

/// <summary>
/// "My holdings (asset -> quantity) lost Percent % or more from their Days-day high-water mark." The message says how
/// much to move into stablecoins, in USD and per asset, to bring the volatile share back to MaxRiskPercent.
/// </summary>
public sealed record PortfolioDrawdownRule(IReadOnlyDictionary<string, double> Holdings, double Percent, int Days, double MaxRiskPercent) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "portfolioDrawdown";
    public const int MaxHoldings = 10;

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Holdings.Keys.ToList();
}

/// <summary>Met when every child rule is met.</summary>
public sealed record AllOfRule(IReadOnlyList<RuleSpec> Rules) : RuleSpec
{
    public const string Kind = "allOf";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Rules.SelectMany(r => r.Symbols).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    [JsonIgnore]
    public override bool IsCritical => Rules.Any(r => r.IsCritical);

    /// <summary>Every child is met when the combination is: critical through any critical child.</summary>
    public override bool IsCriticalOn(Market.MarketView market) => Rules.Any(r => r.IsCriticalOn(market));

    [JsonIgnore]
    public override bool IsRise => Rules.All(r => r.IsRise);
}

/// <summary>Met when any child rule is met.</summary>
public sealed record AnyOfRule(IReadOnlyList<RuleSpec> Rules) : RuleSpec
{
    public const string Kind = "anyOf";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Rules.SelectMany(r => r.Symbols).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    [JsonIgnore]
    public override bool IsCritical => Rules.Any(r => r.IsCritical);

    /// <summary>Critical only through a child that is met on this market and critical itself.</summary>
    public override bool IsCriticalOn(Market.MarketView market) =>
        Rules.Any(r => RuleEvaluator.Evaluate(r, market).Kind == VerdictKind.Met && r.IsCriticalOn(market));

    [JsonIgnore]
    public override bool IsRise => Rules.All(r => r.IsRise);
}

/// <summary>The windows a windowed rule may use, written "1h", "24h" and "7d".</summary>
public enum RuleWindow
{
    [JsonStringEnumMemberName("1h")]
    OneHour,

    [JsonStringEnumMemberName("24h")]
    OneDay,

    [JsonStringEnumMemberName("7d")]
    SevenDays,
}

public static class RuleWindows
{
    public static TimeSpan Span(RuleWindow window) => window switch
    {
        RuleWindow.OneHour => TimeSpan.FromHours(1),
        RuleWindow.OneDay => TimeSpan.FromHours(24),
        RuleWindow.SevenDays => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    /// <summary>The window as people write it: "1h", "24h", "7d".</summary>
    public static string Name(RuleWindow window) => window switch
    {
        RuleWindow.OneHour => "1h",
        RuleWindow.OneDay => "24h",
        RuleWindow.SevenDays => "7d",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}
