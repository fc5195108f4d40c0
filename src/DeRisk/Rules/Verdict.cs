namespace DeRisk.Rules;

/// <summary>
/// A rule's verdict on one tick: the observed value against the threshold, or why there was no data.
/// <see cref="Recovered"/> says the condition has cleared by the rule's hysteresis margin: only then may a firing
/// alert resolve, so a value oscillating around the threshold gives one episode, not many.
/// </summary>
public readonly record struct Verdict(VerdictKind Kind, double Observed, double Threshold, bool Recovered, string? NoDataReason)
{
    public static Verdict NoData(string reason) => new(VerdictKind.NoData, 0, 0, false, reason);

    public static Verdict Of(bool met, double observed, double threshold, bool recovered) =>
        new(met ? VerdictKind.Met : VerdictKind.Clear, observed, threshold, !met && recovered, null);
}
