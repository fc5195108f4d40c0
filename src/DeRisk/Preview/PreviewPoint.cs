namespace DeRisk.Preview;

/// <summary>One day of a watched series: the last value the shipped history holds for that UTC day.</summary>
public sealed record PreviewPoint(DateOnly Date, double Value);
