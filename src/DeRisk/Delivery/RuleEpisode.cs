namespace DeRisk.Delivery;

/// <summary>One rule's episode that a notification is about.</summary>
public sealed record RuleEpisode(string RuleId, int Episode);
