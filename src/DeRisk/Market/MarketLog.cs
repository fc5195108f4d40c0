using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>Every log event of Market/ (event ids 1000-1012), each with its name.</summary>
internal static partial class MarketLog
{
    [LoggerMessage(EventId = 1000, EventName = "SourceFailed", Level = LogLevel.Warning, Message = "Market source {Source} failed: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1001, EventName = "QuoteUnusable", Level = LogLevel.Warning, Message = "{Asset} is {Status} in the snapshot at {TakenAt:O} (as of {AsOf:O})")]
    public static partial void QuoteUnusable(ILogger logger, string asset, QuoteStatus status, DateTimeOffset takenAt, DateTimeOffset? asOf);

    [LoggerMessage(EventId = 1002, EventName = "SnapshotTaken", Level = LogLevel.Information, Message = "Market snapshot at {TakenAt:O}: {Fresh} fresh, {Unusable} missing or stale")]
    public static partial void SnapshotTaken(ILogger logger, DateTimeOffset takenAt, int fresh, int unusable);

    [LoggerMessage(EventId = 1003, EventName = "UnknownCoinGeckoId", Level = LogLevel.Error, Message = "CoinGecko answered for other coins but not for the id '{CoinGeckoId}' ({Asset}): an id CoinGecko does not know, not an outage. Check Market:Assets")]
    public static partial void UnknownCoinGeckoId(ILogger logger, string coinGeckoId, string asset);

    [LoggerMessage(EventId = 1004, EventName = "BackfillFailed", Level = LogLevel.Warning, Message = "Backfill of {Asset} from {Source} failed: {Reason} (tried again later)")]
    public static partial void BackfillFailed(ILogger logger, string asset, string source, string reason);

    [LoggerMessage(EventId = 1005, EventName = "Backfilled", Level = LogLevel.Information, Message = "Backfilled {Asset} from {Source}: asked {Days} days, wrote {Written} daily rows")]
    public static partial void Backfilled(ILogger logger, string asset, string source, int days, int written);

    [LoggerMessage(EventId = 1006, EventName = "BackfillPass", Level = LogLevel.Information, Message = "Backfill pass: {Calls} provider calls, {Written} daily rows and {Points} recent points written, {Failed} assets failed or waiting, {Deferred} deferred to the next UTC day, {Settled} already complete; {Seconds:F1} s")]
    public static partial void BackfillPass(ILogger logger, int calls, int written, int points, int failed, int deferred, int settled, double seconds);

    [LoggerMessage(EventId = 1007, EventName = "Budget", Level = LogLevel.Information, Message = "CoinGecko budget ({Plan} plan): {Polls} polls + {Backfill} backfill calls = {Credits} credits a month at most (limit {Limit}, {Percent:F1} %); up to {Attempts} attempts with retries; {PerMinute} calls/min allowed, backfill paced every {Interval}")]
    public static partial void Budget(ILogger logger, CoinGeckoPlan plan, int polls, int backfill, int credits, int limit, double percent, int attempts, int perMinute, TimeSpan interval);

    [LoggerMessage(EventId = 1008, EventName = "BackfilledRecent", Level = LogLevel.Information, Message = "Backfilled {Asset} from {Source}: asked {Days} days, wrote {Points} {Granularity} points for the priceChange windows")]
    public static partial void BackfilledRecent(ILogger logger, string asset, string source, int days, int points, string granularity);

    [LoggerMessage(EventId = 1009, EventName = "BackfillHeld", Level = LogLevel.Information, Message = "Backfill skipped: another instance ({Holder}) holds the backfill lease until {Until:O}; ticks here use the history there is")]
    public static partial void BackfillHeld(ILogger logger, string holder, DateTimeOffset until);

    [LoggerMessage(EventId = 1010, EventName = "BackfillDeferred", Level = LogLevel.Warning, Message = "Backfill of {Asset} waits for the next UTC day: {Calls} CoinGecko history calls today are its allowance under the monthly budget; still to fetch: {Needs}")]
    public static partial void BackfillDeferred(ILogger logger, string asset, int calls, string needs);

    [LoggerMessage(EventId = 1011, EventName = "BackfillLeaseLost", Level = LogLevel.Warning, Message = "Backfill stopped before {Asset}: its lease expired and another instance took it over (it carries on from the stored marks)")]
    public static partial void BackfillLeaseLost(ILogger logger, string asset);

    [LoggerMessage(EventId = 1012, EventName = "BackfillOnStartFailed", Level = LogLevel.Error, Message = "Backfill at start failed: {Reason}; the ticks try again")]
    public static partial void BackfillOnStartFailed(ILogger logger, string reason);
}
