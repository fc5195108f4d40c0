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

    /// <summary>
    /// The escalation step this rule reaches on this market with this verdict. A leaf with a depth: its
    /// <see cref="StepOf"/>. A combination has no depth, but it can turn critical within an episode (an anyOf fired by
    /// BTC whose depeg child is met later): step 1 while it is met and critical, so that alarm is sent once.
    /// </summary>
    public int StepOn(Verdict verdict, Market.MarketView market) =>
        this is AllOfRule or AnyOfRule
            ? verdict.Kind == VerdictKind.Met && IsCriticalOn(market) ? 1 : 0
            : StepOf(verdict);

    /// <summary>The rule's simple conditions: itself, or the leaves of a combination's children.</summary>
    public IEnumerable<RuleSpec> Leaves() => this switch
    {
        AllOfRule r => r.Rules.SelectMany(c => c.Leaves()),
        AnyOfRule r => r.Rules.SelectMany(c => c.Leaves()),
        _ => [this],
    };

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
