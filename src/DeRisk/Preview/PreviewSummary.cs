namespace DeRisk.Preview;

/// <summary>Counts over the range: messages, episodes, resolutions, daily ticks without data, messages held back by the daily cap.</summary>
public sealed record PreviewSummary(int Messages, int Episodes, int Resolved, int NoDataDays, int Capped);
