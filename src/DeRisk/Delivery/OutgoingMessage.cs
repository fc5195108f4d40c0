namespace DeRisk.Delivery;

/// <param name="Critical">Sent in the critical lane, received before every other message.</param>
public sealed record OutgoingMessage(string MessageId, BinaryData Body, DateTimeOffset? ScheduledEnqueueTime = null, bool Critical = false);
