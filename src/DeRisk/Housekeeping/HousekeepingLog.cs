using Microsoft.Extensions.Logging;

namespace DeRisk.Housekeeping;

/// <summary>Every log event of Housekeeping/ (event ids 4120-4120), each with its name.</summary>
internal static partial class HousekeepingLog
{
    [LoggerMessage(EventId = 4120, EventName = "Done", Level = LogLevel.Information, Message = "Housekeeping deleted {Limits} expired rate-limit counters, {Codes} expired confirmation codes, {SignUps} unconfirmed sign-ups, {MarketRows} old market points and snapshots, {Deliveries} old delivery records, {Receipts} old inbound SMS receipts")]
    public static partial void Done(ILogger logger, int limits, int codes, int signUps, int marketRows, int deliveries, int receipts);
}
