namespace DeRisk.Preview;

/// <summary>
/// A message the rule would have sent: when the tick planned it, when it would have been delivered (quiet hours), its
/// text, whether it was critical, and whether it opened an episode (<c>fire</c>), repeated a firing alert
/// (<c>repeat</c>) or was the all-clear (<c>resolve</c>).
/// </summary>
public sealed record PreviewMarker(DateTimeOffset Time, DateTimeOffset? DeliverAt, string Kind, bool Critical, string Text);
