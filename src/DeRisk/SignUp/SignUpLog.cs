using Microsoft.Extensions.Logging;

namespace DeRisk.SignUp;

/// <summary>Every log event of SignUp/ (event ids 4100-4110), each with its name.</summary>
internal static partial class SignUpLog
{
    [LoggerMessage(EventId = 4100, EventName = "Created", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} created, pending confirmation")]
    public static partial void Created(ILogger logger, string subscriberId);

    [LoggerMessage(EventId = 4101, EventName = "CodeSent", Level = LogLevel.Information, Message = "Confirmation code for subscriber {SubscriberId} sent by {Channel} to {Address}")]
    public static partial void CodeSent(ILogger logger, string subscriberId, string channel, string address);

    [LoggerMessage(EventId = 4102, EventName = "CodeRefused", Level = LogLevel.Warning, Message = "Confirmation code for subscriber {SubscriberId} refused by the {Channel} provider: {Error}")]
    public static partial void CodeRefused(ILogger logger, string subscriberId, string channel, string error);

    [LoggerMessage(EventId = 4103, EventName = "Confirmed", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} confirmed {Channel}; token issued")]
    public static partial void Confirmed(ILogger logger, string subscriberId, string channel);

    [LoggerMessage(EventId = 4104, EventName = "Added", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} confirmed a new {Channel} address")]
    public static partial void Added(ILogger logger, string subscriberId, string channel);

    [LoggerMessage(EventId = 4105, EventName = "Removed", Level = LogLevel.Information, Message = "Subscriber {SubscriberId} removed their {Channel} address")]
    public static partial void Removed(ILogger logger, string subscriberId, string channel);

    [LoggerMessage(EventId = 4106, EventName = "ForeignCode", Level = LogLevel.Warning, Message = "A {Channel} code of subscriber {SubscriberId}'s sign-up was confirmed without its sign-up id after another address was confirmed: refused")]
    public static partial void ForeignCode(ILogger logger, string subscriberId, string channel);

    [LoggerMessage(EventId = 4110, EventName = "SmsCeiling", Level = LogLevel.Warning, Message = "Confirmation SMS ceiling reached ({PerHour} per hour across all clients): SMS codes refused for {RetryAfter}; email sign-up goes on. A pumping attack, or time to raise Access:SmsCodesPerHour.")]
    public static partial void SmsCeiling(ILogger logger, int perHour, TimeSpan retryAfter);
}
