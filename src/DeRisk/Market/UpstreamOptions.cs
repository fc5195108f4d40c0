using System.ComponentModel.DataAnnotations;

namespace DeRisk.Market;

/// <summary>An HTTP upstream: its base URL (a setting, so tests and local runs point it at a fake) and its patience.</summary>
public abstract class UpstreamOptions
{
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>Time allowed for one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within one poll for 429, 5xx and timeouts; a Retry-After longer than MaxRetryDelay fails the poll at once (the next poll tries again).</summary>
    [Range(0, 5)]
    public int RetryAttempts { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries, Retry-After included: a poll never stalls on one upstream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
