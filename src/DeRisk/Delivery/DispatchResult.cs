namespace DeRisk.Delivery;

public sealed record DispatchResult(int Received, int Sent, int Duplicates, int Retrying, int DeadLettered, int Suppressed);
