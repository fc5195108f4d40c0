using DeRisk.Market;

namespace DeRisk.Rules;

public enum VerdictKind
{
    /// <summary>The condition does not hold.</summary>
    Clear,

    /// <summary>The condition holds.</summary>
    Met,

    /// <summary>A value the rule needs is missing or stale: the rule neither fires nor resolves.</summary>
    NoData,
}

/// <summary>A rule's verdict on one tick: the observed value against the threshold, or why there was no data.</summary>
public readonly record struct Verdict(VerdictKind Kind, double Observed, double Threshold, string? NoDataReason)
{
    public static Verdict NoData(string reason) => new(VerdictKind.NoData, 0, 0, reason);
}

/// <summary>Evaluates rules against a tick's market view. Pure: no I/O, no clock.</summary>
public static class RuleEvaluator
{
    public static Verdict Evaluate(RuleSpec rule, MarketView market) => rule switch
    {
        PriceChangeRule r => EvaluatePriceChange(r, market),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule type."),
    };

    private static Verdict EvaluatePriceChange(PriceChangeRule rule, MarketView market)
    {
        var change = market.Change(rule.Asset, rule.WindowSpan);
        if (!change.HasData)
        {
            return Verdict.NoData(change.NoDataReason!);
        }

        var threshold = rule.Direction == ChangeDirection.Drop ? -rule.Percent : rule.Percent;
        var met = rule.Direction == ChangeDirection.Drop ? change.Percent <= threshold : change.Percent >= threshold;
        return new Verdict(met ? VerdictKind.Met : VerdictKind.Clear, change.Percent, threshold, null);
    }
}
