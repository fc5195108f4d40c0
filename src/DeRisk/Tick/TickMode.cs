namespace DeRisk.Tick;

public enum TickMode
{
    /// <summary>The timer's instance evaluates every shard (a few at a time): up to about 100k subscribers.</summary>
    SingleInstance,

    /// <summary>The timer queues one message per shard; the queue-triggered EvaluateShard function evaluates each, on as many instances as Azure Functions scales to.</summary>
    FanOut,
}
