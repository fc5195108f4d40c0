namespace DeRisk.Backtest;

/// <summary>What the backtest replays: the days [From, To], one tick every Step starting at TickTime each day.</summary>
public sealed record BacktestRange(DateOnly From, DateOnly To, TimeSpan Step, TimeOnly TickTime)
{
    /// <summary>Daily ticks just after the daily close, as the run command's schedule ("30 0 0 * * *").</summary>
    public static BacktestRange Daily(DateOnly from, DateOnly to) => new(from, to, TimeSpan.FromDays(1), new TimeOnly(0, 0, 30));

    public DateTimeOffset Start => new(From.ToDateTime(TickTime), TimeSpan.Zero);

    public DateTimeOffset End => new(To.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);

    public int Ticks => (int)((End - Start).Ticks / Step.Ticks) + 1;
}
