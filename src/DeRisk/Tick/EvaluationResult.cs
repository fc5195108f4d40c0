namespace DeRisk.Tick;

public sealed record EvaluationResult(int Subscribers, int Rules, int Met, int NoData, int Fired, int Repeated, int Resolved, int Notifications, int Deferred, int Capped, int Conflicts)
{
    public static readonly EvaluationResult Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static EvaluationResult operator +(EvaluationResult a, EvaluationResult b) => new(
        a.Subscribers + b.Subscribers, a.Rules + b.Rules, a.Met + b.Met, a.NoData + b.NoData, a.Fired + b.Fired, a.Repeated + b.Repeated,
        a.Resolved + b.Resolved, a.Notifications + b.Notifications, a.Deferred + b.Deferred, a.Capped + b.Capped, a.Conflicts + b.Conflicts);
}
