using Microsoft.Extensions.Logging;

namespace DeRisk.Tick;

/// <summary>Every log event of Tick/ (event ids 2000-2010), each with its name.</summary>
internal static partial class TickLog
{
    [LoggerMessage(EventId = 2000, EventName = "Fired", Level = LogLevel.Information, Message = "Alert fired: subscriber {SubscriberId} rule {RuleId} episode {Episode} (observed {Observed:0.00})")]
    public static partial void Fired(ILogger logger, string subscriberId, string ruleId, int episode, double observed);

    [LoggerMessage(EventId = 2001, EventName = "Resolved", Level = LogLevel.Information, Message = "Alert resolved: subscriber {SubscriberId} rule {RuleId} episode {Episode}")]
    public static partial void Resolved(ILogger logger, string subscriberId, string ruleId, int episode);

    [LoggerMessage(EventId = 2002, EventName = "NoData", Level = LogLevel.Debug, Message = "No data for subscriber {SubscriberId} rule {RuleId}: {Reason}")]
    public static partial void NoData(ILogger logger, string subscriberId, string ruleId, string reason);

    [LoggerMessage(EventId = 2003, EventName = "Tick", Level = LogLevel.Information, Message = "Tick at {Now:O}: {Subscribers} subscribers, {Rules} rules, {Met} met, {NoData} without data, {Fired} fired, {Resolved} resolved, {Notifications} queued")]
    public static partial void Tick(ILogger logger, DateTimeOffset now, int subscribers, int rules, int met, int noData, int fired, int resolved, int notifications);

    [LoggerMessage(EventId = 2004, EventName = "Capped", Level = LogLevel.Warning, Message = "Daily cap reached for subscriber {SubscriberId}: {Capped} message(s) not sent")]
    public static partial void Capped(ILogger logger, string subscriberId, int capped);

    [LoggerMessage(EventId = 2010, EventName = "Shard", Level = LogLevel.Information, Message = "Shard {Shard} at {SnapshotAt:O}: {Subscribers} subscribers, {Fired} fired, {Notifications} queued")]
    public static partial void Shard(ILogger logger, string shard, DateTimeOffset snapshotAt, int subscribers, int fired, int notifications);
}
