using System.ComponentModel.DataAnnotations;

namespace DeRisk.Delivery;

/// <summary>Service Bus, chosen when a connection string or a namespace (managed identity) is set.</summary>
public sealed class ServiceBusOptions : IValidatableObject
{
    public const string Section = "ServiceBus";

    /// <summary>Local or key-based access; in Azure prefer <see cref="FullyQualifiedNamespace"/> with managed identity.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. "derisk-sb.servicebus.windows.net", reached with DefaultAzureCredential.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>How long a receive waits for the first message when the queue is empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReceiveWait { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString) && !string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            yield return new ValidationResult("Set ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace, not both.", [nameof(ConnectionString), nameof(FullyQualifiedNamespace)]);
        }
    }
}
