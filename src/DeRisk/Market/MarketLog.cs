using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

internal static partial class MarketLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Market source {Source} failed: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Asset} is {Status} in the snapshot at {TakenAt:O} (as of {AsOf:O})")]
    public static partial void QuoteUnusable(ILogger logger, string asset, QuoteStatus status, DateTimeOffset takenAt, DateTimeOffset? asOf);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "CoinGecko answered for other coins but not for the id '{CoinGeckoId}' ({Asset}): an id CoinGecko does not know, not an outage. Check Market:Assets")]
    public static partial void UnknownCoinGeckoId(ILogger logger, string coinGeckoId, string asset);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Market snapshot at {TakenAt:O}: {Fresh} fresh, {Unusable} missing or stale")]
    public static partial void SnapshotTaken(ILogger logger, DateTimeOffset takenAt, int fresh, int unusable);
}
