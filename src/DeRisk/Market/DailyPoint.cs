namespace DeRisk.Market;

/// <summary>One UTC day of an asset: the highest and the last value seen that day.</summary>
public readonly record struct DailyPoint(DateOnly Day, double High, double Close);
