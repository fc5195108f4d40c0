namespace DeRisk.Market;

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
