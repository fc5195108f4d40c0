namespace DeRisk.Delivery;

/// <summary>
/// Spaces sends so that a sender never exceeds its messages per second (about 1 for a US long code), across drains:
/// each send takes the next turn, at least 1/rate after the previous one, and never before it. Turns are handed out
/// under a lock, so concurrent sends of one dispatcher share the pace.
/// </summary>
public sealed class SendPacer(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);

    /// <summary>Waits for the next turn at <paramref name="perSecond"/> (0: no pacing) and returns when the turn was.</summary>
    public Task<DateTimeOffset> WaitTurnAsync(double perSecond, CancellationToken cancellationToken) =>
        WaitTurnAsync("", perSecond, cancellationToken);

    /// <summary>As <see cref="WaitTurnAsync(double, CancellationToken)"/>, with one pace per lane (a channel: SMS and email have their own limits).</summary>
    public async Task<DateTimeOffset> WaitTurnAsync(string lane, double perSecond, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (perSecond <= 0)
        {
            return now;
        }

        DateTimeOffset turn;
        lock (_gate)
        {
            turn = _next.TryGetValue(lane, out var next) && next > now ? next : now;
            _next[lane] = turn + TimeSpan.FromSeconds(1 / perSecond);
        }

        for (; now < turn; now = time.GetUtcNow())
        {
            await Task.Delay(turn - now, time, cancellationToken).ConfigureAwait(false);
        }

        return turn;
    }
}
