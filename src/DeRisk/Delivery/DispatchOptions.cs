using System.ComponentModel.DataAnnotations;

namespace DeRisk.Delivery;

public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>Messages taken from the queue per drain.</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <summary>How long a received message stays locked (hidden from other dispatchers).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this many deliveries with transient failures, a message is dead-lettered with its last error.</summary>
    [Range(1, 100)]
    public int MaxDeliveryCount { get; set; } = 5;
}
