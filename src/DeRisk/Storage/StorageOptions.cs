using System.ComponentModel.DataAnnotations;

namespace DeRisk.Storage;

/// <summary>Where DeRisk keeps its tables and queues.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>Azure Storage connection string, for Azurite ("UseDevelopmentStorage=true") and local runs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// In Azure: the storage account name, reached with the app's managed identity (DefaultAzureCredential) —
    /// no keys in settings. Set this or <see cref="ConnectionString"/>, not both.
    /// </summary>
    [RegularExpression("^[a-z0-9]{3,24}$", ErrorMessage = "Storage:AccountName must be 3-24 lowercase letters and digits.")]
    public string? AccountName { get; set; }

    /// <summary>Endpoint suffix of the account's cloud.</summary>
    public string EndpointSuffix { get; set; } = "core.windows.net";

    // Methods, not properties: option validation reads every property, also before AccountName is known to be set.
    public Uri TableServiceUri() => new($"https://{AccountName}.table.{EndpointSuffix}");

    public Uri QueueServiceUri() => new($"https://{AccountName}.queue.{EndpointSuffix}");

    public bool UsesIdentity => !string.IsNullOrWhiteSpace(AccountName);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == string.IsNullOrWhiteSpace(AccountName))
        {
            yield return new ValidationResult("Set exactly one of Storage:ConnectionString (Azurite, local) and Storage:AccountName (managed identity).",
                [nameof(ConnectionString), nameof(AccountName)]);
        }
    }

    /// <summary>Prefix for every table and queue name, so tests and environments can share one account.</summary>
    [RegularExpression("^([A-Za-z][A-Za-z0-9]{0,19})?$", ErrorMessage = "Storage:TablePrefix must be empty or start with a letter and hold at most 20 letters and digits.")]
    public string TablePrefix { get; set; } = "";

    /// <summary>Subscribers are spread over this many partitions. Fixed for the life of the data.</summary>
    [Range(1, 1000)]
    public int ShardCount { get; set; } = 16;
}
