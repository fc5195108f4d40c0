namespace DeRisk.Delivery;

public sealed class NotificationQueueOptions
{
    public const string Section = "NotificationQueue";

    [System.ComponentModel.DataAnnotations.RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,40}[a-z0-9]$",
        ErrorMessage = "NotificationQueue:QueueName must be 3-42 lowercase letters, digits and single dashes.")]
    public string QueueName { get; set; } = "notifications";

    /// <summary>The critical lane is the queue of this name with this suffix ("notifications-critical").</summary>
    public const string CriticalSuffix = "-critical";

    public string CriticalQueueName => QueueName + CriticalSuffix;
}
