namespace DeRisk.Market;

/// <summary>Whether a snapshot value can be used. Stale and missing values are never used by a rule.</summary>
public enum QuoteStatus
{
    Ok,
    Stale,
    Missing,
}
