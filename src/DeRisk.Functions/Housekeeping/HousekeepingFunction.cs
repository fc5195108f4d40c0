using DeRisk.Housekeeping;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Housekeeping;

/// <summary>Daily clean-up: expired rate-limit counters and codes, sign-ups never confirmed.</summary>
public sealed class HousekeepingFunction(HousekeepingService housekeeping)
{
    public const string Name = "Housekeeping";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%HousekeepingSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        housekeeping.RunAsync(cancellationToken);
}
