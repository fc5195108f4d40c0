namespace DeRisk.Delivery;

/// <summary>A locked message. <see cref="LockToken"/> identifies this delivery for settlement; <see cref="Critical"/>: it came from the critical lane.</summary>
public sealed record ReceivedMessage(string MessageId, BinaryData Body, int DeliveryCount, DateTimeOffset? EnqueuedTime, string LockToken, bool Critical = false);
