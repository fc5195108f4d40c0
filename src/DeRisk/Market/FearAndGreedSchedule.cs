namespace DeRisk.Market;

/// <summary>
/// When alternative.me publishes its next Fear &amp; Greed value (its <c>time_until_update</c>): until then polls reuse the
/// value they have, so the index costs a call or two a day instead of one per poll. One per app (a singleton), on the
/// wall clock: it paces calls to a provider.
/// </summary>
public sealed class FearAndGreedSchedule(TimeProvider wallClock)
{
    /// <summary>Asked again this long after the announced update, so the new value is there.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private SourceQuote? _known;
    private DateTimeOffset _askAgainAt;

    /// <summary>The value known to be current (its next update not yet due), or null: ask the provider.</summary>
    public SourceQuote? Current()
    {
        lock (_lock)
        {
            return _known is not null && wallClock.GetUtcNow() < _askAgainAt ? _known : null;
        }
    }

    public void Remember(SourceQuote quote, TimeSpan? nextUpdateIn)
    {
        lock (_lock)
        {
            _known = nextUpdateIn is null ? null : quote;
            _askAgainAt = wallClock.GetUtcNow() + (nextUpdateIn ?? TimeSpan.Zero) + Grace;
        }
    }
}
