namespace DeRisk.Market;

/// <summary>A value a market source reported: a price in USD, or the Fear &amp; Greed Index.</summary>
public sealed record SourceQuote(string Asset, double Value, DateTimeOffset AsOf, string Source);

/// <summary>Whether a snapshot value can be used. Stale and missing values are never used by a rule.</summary>
public enum QuoteStatus
{
    Ok,
    Stale,
    Missing,
}

/// <summary>One asset in a snapshot. Value is null unless Status is Ok: a value is never guessed.</summary>
public sealed record SnapshotQuote(string Asset, QuoteStatus Status, double? Value, DateTimeOffset? AsOf, string? Source)
{
    public static SnapshotQuote Missing(string asset) => new(asset, QuoteStatus.Missing, null, null, null);
}

/// <summary>What one market poll saw.</summary>
public sealed record MarketSnapshot(DateTimeOffset TakenAt, IReadOnlyList<SnapshotQuote> Quotes)
{
    public SnapshotQuote Get(string asset)
    {
        // A loop, not LINQ: rule evaluation calls this for every rule of every subscriber.
        for (var i = 0; i < Quotes.Count; i++)
        {
            if (string.Equals(Quotes[i].Asset, asset, StringComparison.OrdinalIgnoreCase))
            {
                return Quotes[i];
            }
        }

        return SnapshotQuote.Missing(asset);
    }
}

/// <summary>A stored point of history: the value of an asset as of a time.</summary>
public readonly record struct HistoryPoint(DateTimeOffset AsOf, double Value);

/// <summary>One UTC day of an asset: the highest and the last value seen that day.</summary>
public readonly record struct DailyPoint(DateOnly Day, double High, double Close);

public static class Assets
{
    /// <summary>The symbol used for the Crypto Fear &amp; Greed Index, stored and evaluated like an asset.</summary>
    public const string FearAndGreed = "FNG";

    private static readonly HashSet<string> Stablecoins = new(StringComparer.OrdinalIgnoreCase) { "USDC", "USDT", "DAI", "BUSD", "TUSD", "FDUSD", "USDE", "UST" };

    /// <summary>Dollar stablecoins: the "safe" side of a portfolio (UST is one too, which is why depeg rules exist).</summary>
    public static bool IsStablecoin(string symbol) => Stablecoins.Contains(symbol);

    /// <summary>The UTC day a value as of this time belongs to.</summary>
    public static DateOnly DayOf(DateTimeOffset asOf) => DateOnly.FromDateTime(asOf.UtcDateTime);
}

/// <summary>What the last market tick did and how long it took (wall time).</summary>
public sealed record TickSummary(DateTimeOffset StartedAt, TimeSpan Duration, int Subscribers, int Notifications);

/// <summary>The days the backfill already asked a provider for (whatever it had), and its last failure, for one asset.</summary>
public sealed record BackfillMark(DateOnly? CoveredFrom, DateOnly? CoveredTo, DateTimeOffset? FailedAt, string? Error)
{
    /// <summary>The UTC day of the asset's first successful history call (null: none yet, or before this was kept).</summary>
    public DateOnly? FirstDay { get; init; }

    /// <summary>The UTC day <see cref="Calls"/> counts for.</summary>
    public DateOnly? CallsDay { get; init; }

    /// <summary>Successful (charged) history calls for the asset on <see cref="CallsDay"/>.</summary>
    public int Calls { get; init; }

    /// <summary>Successful calls made for the asset on <paramref name="day"/>.</summary>
    public int CallsOn(DateOnly day) => CallsDay == day ? Calls : 0;

    public bool Covers(DateOnly day) => CoveredFrom is { } from && CoveredTo is { } to && day >= from && day <= to;
}

/// <summary>How a market source is doing: ok, failing (an outage: errors, timeouts), or misconfigured (it answers, but not for an id we asked).</summary>
public enum SourceStatus
{
    Ok,
    Failing,
    Misconfigured,
}

/// <summary>A source's state since <see cref="Since"/>, with its last error (kept after it recovers, with its time).</summary>
public sealed record SourceState(string Source, SourceStatus State, DateTimeOffset Since, string? LastError, DateTimeOffset? LastErrorAt);
