using System.ComponentModel.DataAnnotations;

namespace DeRisk.Storage;

/// <summary>Where DeRisk keeps its tables and queues.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Azure Storage connection string; "UseDevelopmentStorage=true" is Azurite on 127.0.0.1.</summary>
    [Required]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix for every table and queue name, so tests and environments can share one account.</summary>
    [RegularExpression("^([A-Za-z][A-Za-z0-9]{0,19})?$", ErrorMessage = "Storage:TablePrefix must be empty or start with a letter and hold at most 20 letters and digits.")]
    public string TablePrefix { get; set; } = "";

    /// <summary>Subscribers are spread over this many partitions. Fixed for the life of the data.</summary>
    [Range(1, 1000)]
    public int ShardCount { get; set; } = 16;
}
