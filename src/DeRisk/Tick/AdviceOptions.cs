using System.ComponentModel.DataAnnotations;
using DeRisk.Market;
using DeRisk.Rules;

namespace DeRisk.Tick;

/// <summary>
/// What alerts may suggest (the "Advice" section). Refuges are the stablecoins an alert may name as a place to move
/// to, in order of preference: only those on their peg at the tick are named (never one off its peg or one whose
/// depeg rule fired in the same message), up to two; with none, the advice is cash.
/// </summary>
public sealed class AdviceOptions : IValidatableObject
{
    public const string Section = "Advice";

    /// <summary>Stablecoin symbols separated by commas, most preferred first; empty: no stablecoin is ever suggested, only cash.</summary>
    public string Refuges { get; set; } = string.Join(',', AlertWording.DefaultRefuges);

    /// <summary>The refuges, upper-case, in order, each once.</summary>
    public IReadOnlyList<string> RefugeList =>
        Refuges.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RefugeList.Count > 10)
        {
            yield return new ValidationResult("Advice:Refuges lists at most 10 stablecoins.", [nameof(Refuges)]);
        }

        foreach (var refuge in RefugeList.Where(r => !Assets.IsStablecoin(r)))
        {
            yield return new ValidationResult($"Advice:Refuges: '{refuge}' is not a dollar stablecoin.", [nameof(Refuges)]);
        }
    }

    /// <summary>The wording settings for alerts, with the console to link to.</summary>
    public AlertWording Wording(Uri? consoleUrl) => new(consoleUrl, RefugeList, TimeZoneInfo.Utc);
}
