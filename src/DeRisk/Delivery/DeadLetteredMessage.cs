namespace DeRisk.Delivery;

public sealed record DeadLetteredMessage(string MessageId, BinaryData Body, string Reason, string Description);
