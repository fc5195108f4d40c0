namespace DeRisk.Delivery;

/// <summary>The lock on a message expired (or another receiver settled it) before this receiver settled it.</summary>
public sealed class MessageLockLostException(string messageId, Exception inner)
    : Exception($"The lock on message {messageId} was lost.", inner);
