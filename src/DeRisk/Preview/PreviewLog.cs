using Microsoft.Extensions.Logging;

namespace DeRisk.Preview;

/// <summary>Every log event of Preview/ (event ids 4300-4301), each with its name.</summary>
internal static partial class PreviewLog
{
    [LoggerMessage(EventId = 4300, EventName = "Previewed", Level = LogLevel.Information, Message = "Preview of a {Kind} rule for subscriber {SubscriberId} from {From} to {To}: {Messages} messages")]
    public static partial void Previewed(ILogger logger, string subscriberId, string kind, DateOnly from, DateOnly to, int messages);

    [LoggerMessage(EventId = 4301, EventName = "PreviewLimited", Level = LogLevel.Warning, Message = "Preview limit reached for subscriber {SubscriberId}")]
    public static partial void PreviewLimited(ILogger logger, string subscriberId);
}
