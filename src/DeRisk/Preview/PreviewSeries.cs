namespace DeRisk.Preview;

/// <summary>A watched asset (or Fear &amp; Greed, <c>FNG</c>, 0-100) over the previewed range.</summary>
public sealed record PreviewSeries(string Asset, string Unit, IReadOnlyList<PreviewPoint> Points);
