namespace DeRisk.Market;

/// <summary>A stored point of history: the value of an asset as of a time.</summary>
public readonly record struct HistoryPoint(DateTimeOffset AsOf, double Value);
