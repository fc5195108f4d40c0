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
