using Microsoft.Extensions.Logging;

namespace DeRisk.Delivery;

/// <summary>Every log event of Delivery/ (event ids 3000-4203), each with its name.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 3000, EventName = "Sent", Level = LogLevel.Information, Message = "Notification {NotificationId} sent by {Channel} to {Address} as {ProviderId} (attempt {Attempt})")]
    public static partial void Sent(ILogger logger, string notificationId, string channel, string address, string providerId, int attempt);

    [LoggerMessage(EventId = 3001, EventName = "Duplicate", Level = LogLevel.Information, Message = "Notification {NotificationId} was already {Status}; duplicate delivery dropped")]
    public static partial void Duplicate(ILogger logger, string notificationId, string status);

    [LoggerMessage(EventId = 3002, EventName = "WillRetry", Level = LogLevel.Warning, Message = "Notification {NotificationId} failed on delivery {DeliveryCount} and will be retried: {Error}")]
    public static partial void WillRetry(ILogger logger, string notificationId, int deliveryCount, string error);

    [LoggerMessage(EventId = 3003, EventName = "DeadLettered", Level = LogLevel.Error, Message = "Notification {NotificationId} dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3004, EventName = "Suppressed", Level = LogLevel.Information, Message = "Notification {NotificationId} suppressed: {Reason}")]
    public static partial void Suppressed(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3005, EventName = "ProviderRejected", Level = LogLevel.Warning, Message = "{Provider} rejected notification {NotificationId}: HTTP {Status}, code {Code}, permanent {Permanent}")]
    public static partial void ProviderRejected(ILogger logger, string provider, string notificationId, int status, int code, bool permanent);

    [LoggerMessage(EventId = 3006, EventName = "LockLost", Level = LogLevel.Warning, Message = "The lock on message {MessageId} was lost before it was settled; its redelivery will settle it")]
    public static partial void LockLost(ILogger logger, string messageId);

    [LoggerMessage(EventId = 3007, EventName = "ChannelOff", Level = LogLevel.Warning, Message = "Channel {Channel} of subscriber {SubscriberId} is now {State} after a permanent provider error")]
    public static partial void ChannelOff(ILogger logger, string subscriberId, string channel, string state);

    [LoggerMessage(EventId = 3008, EventName = "Reconciled", Level = LogLevel.Warning, Message = "Notification {NotificationId} had been accepted as {ProviderId} before a dispatcher stopped; recorded, not sent again")]
    public static partial void Reconciled(ILogger logger, string notificationId, string providerId);

    [LoggerMessage(EventId = 3009, EventName = "ResendingUnverifiable", Level = LogLevel.Warning, Message = "Notification {NotificationId} by {Channel} was being sent when its dispatcher stopped; the provider cannot be asked, so it is sent again")]
    public static partial void ResendingUnverifiable(ILogger logger, string notificationId, string channel);

    [LoggerMessage(EventId = 3010, EventName = "Expired", Level = LogLevel.Warning, Message = "Notification {NotificationId} expired: {Reason}")]
    public static partial void Expired(ILogger logger, string notificationId, string reason);

    [LoggerMessage(EventId = 3011, EventName = "HandlingFailed", Level = LogLevel.Error, Message = "Handling message {MessageId} (delivery {DeliveryCount}) failed; it goes back to the queue, the rest of the batch goes on")]
    public static partial void HandlingFailed(ILogger logger, string messageId, int deliveryCount, Exception exception);

    [LoggerMessage(EventId = 3012, EventName = "ReleaseFailed", Level = LogLevel.Warning, Message = "Message {MessageId} could not be released; its lock will lapse and the queue delivers it again")]
    public static partial void ReleaseFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 3013, EventName = "LookupFailed", Level = LogLevel.Warning, Message = "Twilio's message list could not be read while reconciling notification {NotificationId} (HTTP {Status}); nothing is sent until it answers")]
    public static partial void LookupFailed(ILogger logger, string notificationId, int status);

    [LoggerMessage(EventId = 3100, EventName = "DeliveryStatusRejected", Level = LogLevel.Warning, Message = "Twilio status callback rejected: missing or invalid X-Twilio-Signature")]
    public static partial void DeliveryStatusRejected(ILogger logger);

    [LoggerMessage(EventId = 3101, EventName = "Updated", Level = LogLevel.Information, Message = "Delivery of {NotificationId} is now {Status}")]
    public static partial void Updated(ILogger logger, string notificationId, string status);

    [LoggerMessage(EventId = 3102, EventName = "Fallback", Level = LogLevel.Warning, Message = "SMS {NotificationId} undelivered (Twilio {ErrorCode}): queued by email instead")]
    public static partial void Fallback(ILogger logger, string notificationId, int errorCode);

    [LoggerMessage(EventId = 4200, EventName = "InboundSmsRejected", Level = LogLevel.Warning, Message = "Twilio inbound webhook rejected: missing or invalid X-Twilio-Signature")]
    public static partial void InboundSmsRejected(ILogger logger);

    [LoggerMessage(EventId = 4201, EventName = "Stopped", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} sent STOP: SMS off")]
    public static partial void Stopped(ILogger logger, string subscriberId);

    [LoggerMessage(EventId = 4202, EventName = "Started", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} sent START: SMS on again")]
    public static partial void Started(ILogger logger, string subscriberId);

    [LoggerMessage(EventId = 4203, EventName = "Replayed", Level = LogLevel.Warning, Message = "Twilio inbound webhook without a new MessageSid (a retry or a replay): nothing done")]
    public static partial void Replayed(ILogger logger);
}
