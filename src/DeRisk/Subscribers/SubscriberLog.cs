using Microsoft.Extensions.Logging;

namespace DeRisk.Subscribers;

/// <summary>Every log event of Subscribers/ (event ids 4001-4002), each with its name.</summary>
internal static partial class SubscriberLog
{
    [LoggerMessage(EventId = 4001, EventName = "RuleAdded", Level = LogLevel.Information, Message = "Rule {RuleId} added for subscriber {SubscriberId}")]
    public static partial void RuleAdded(ILogger logger, string subscriberId, string ruleId);

    [LoggerMessage(EventId = 4002, EventName = "Erased", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} deleted with all their data ({Reason})")]
    public static partial void Erased(ILogger logger, string subscriberId, string reason);
}
