using DeRisk.Tick;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Tick;

/// <summary>Every tick: poll the market, store the snapshot, evaluate every rule.</summary>
public sealed class MarketPollFunction(MarketTick tick)
{
    public const string Name = "MarketPoll";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%MarketPollSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        tick.RunAsync(cancellationToken);
}
