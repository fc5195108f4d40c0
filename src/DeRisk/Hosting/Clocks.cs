namespace DeRisk.Hosting;

/// <summary>
/// The two clocks. The app's plain <see cref="TimeProvider"/> is market time: windows, staleness, schedules and quiet
/// hours live in it, and a replay moves it faster. Wall-clock time, the keyed <see cref="Wall"/> provider, measures what
/// people and attackers do — confirmation codes, tokens, anti-abuse windows, webhook receipts — so a replay at 43,200x
/// neither expires a code in 14 ms nor lets a rate limit reset every 83 ms. In live mode both are the system clock.
/// </summary>
public static class Clocks
{
    public const string Wall = "wall";
}
