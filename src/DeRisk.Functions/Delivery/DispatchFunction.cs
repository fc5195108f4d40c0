using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Delivery;

/// <summary>Drains the notification queue: send, record, then settle each message.</summary>
public sealed class DispatchFunction(DeRisk.Delivery.Dispatcher dispatcher)
{
    public const string Name = "Dispatch";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%DispatchSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.DrainAsync(cancellationToken);
}
