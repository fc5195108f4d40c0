namespace DeRisk.Market;

/// <summary>
/// The app's clock during a replay: starts at a replayed moment and runs <see cref="ReplayOptions.Speed"/> times
/// faster than the wall clock. Timers scale with it, so schedules, windows and staleness all live in replayed time.
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private readonly TimeProvider _wall;
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;
    private readonly double _speed;

    public ReplayClock(DateTimeOffset start, double speed, TimeProvider? wall = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _wall = wall ?? System;
        _start = start.ToUniversalTime();
        _speed = speed;
        _startTimestamp = _wall.GetTimestamp();
    }

    public override DateTimeOffset GetUtcNow() =>
        _start + (_wall.GetElapsedTime(_startTimestamp) * _speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _wall.CreateTimer(callback, state, ToWall(dueTime), ToWall(period));

    /// <summary>How long a replayed duration lasts on the wall clock (for waits the storage service keeps, such as a queue message's visibility delay).</summary>
    public TimeSpan ToWall(TimeSpan replayed) =>
        replayed == Timeout.InfiniteTimeSpan || replayed <= TimeSpan.Zero ? replayed : replayed / _speed;
}
