namespace DeRisk.Preview;

/// <summary>What the rule would have sent over [From, To] of the shipped history, with the series it watches.</summary>
public sealed record PreviewView(DateOnly From, DateOnly To, string Source, IReadOnlyList<PreviewSeries> Series, IReadOnlyList<PreviewMarker> Markers, PreviewSummary Summary);
