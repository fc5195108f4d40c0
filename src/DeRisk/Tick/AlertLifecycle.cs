using DeRisk.Rules;

namespace DeRisk.Tick;

/// <summary>
/// ok -> pending -> firing -> ok, as Prometheus Alertmanager and Grafana do it. A met condition fires once it has
/// held for the rule's hold time; a firing alert notifies again only after its repeat interval, or when it has gone a
/// whole escalation step further than last notified (each step once: a bounce back and forth re-fires nothing); it resolves only when
/// the verdict says the condition has cleared by the rule's hysteresis margin. No data changes nothing: a missing or
/// stale value never fires, never resolves, and neither starts nor cancels a hold.
/// </summary>
public static class AlertLifecycle
{
    /// <param name="step">The escalation step the verdict reaches (<see cref="RuleSpec.StepOn"/>); by default the rule's <see cref="RuleSpec.StepOf"/>.</param>
    public static Transition Next(AlertState current, RuleSpec rule, Verdict verdict, DateTimeOffset now, int? step = null)
    {
        var reached = step ?? rule.StepOf(verdict);
        if (verdict.Kind == VerdictKind.NoData)
        {
            return new Transition.None();
        }

        var met = verdict.Kind == VerdictKind.Met;
        switch (current.Status)
        {
            case AlertStatus.Ok when met && rule.HoldFor <= TimeSpan.Zero:
                return Fire(current, verdict, now, reached);
            case AlertStatus.Ok when met:
                return new Transition.Pend(current with { Status = AlertStatus.Pending, PendingSince = now, ChangedAt = now, Observed = verdict.Observed });
            case AlertStatus.Pending when met && now - (current.PendingSince ?? now) >= rule.HoldFor:
                return Fire(current, verdict, now, reached);
            case AlertStatus.Pending when !met:
                return new Transition.Cancel(current with { Status = AlertStatus.Ok, PendingSince = null, ChangedAt = now, Observed = verdict.Observed });
            case AlertStatus.Firing when met && reached > current.Step:
                return new Transition.Escalate(current with { Step = reached, LastNotifiedAt = now, Observed = verdict.Observed });
            case AlertStatus.Firing when met && rule.RepeatEvery is { } repeat && now - (current.LastNotifiedAt ?? current.ChangedAt) >= repeat:
                return new Transition.Repeat(current with { LastNotifiedAt = now, Repeats = current.Repeats + 1, Observed = verdict.Observed });
            case AlertStatus.Firing when !met && verdict.Recovered:
                return new Transition.Resolve(current with { Status = AlertStatus.Ok, ChangedAt = now, Observed = verdict.Observed, PendingSince = null }, rule.AllClear);
            default:
                return new Transition.None();
        }
    }

    private static Transition.Fire Fire(AlertState current, Verdict verdict, DateTimeOffset now, int step) =>
        new(current with
        {
            Status = AlertStatus.Firing,
            Episode = current.Episode + 1,
            ChangedAt = now,
            PendingSince = null,
            LastNotifiedAt = now,
            Repeats = 0,
            Observed = verdict.Observed,
            Step = step,
            FiredObserved = verdict.Observed,
        });
}
