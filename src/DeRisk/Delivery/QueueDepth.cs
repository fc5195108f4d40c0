namespace DeRisk.Delivery;

public sealed record QueueDepth(long? Waiting, long? DeadLettered);
