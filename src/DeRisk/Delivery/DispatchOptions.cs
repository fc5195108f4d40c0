using System.ComponentModel.DataAnnotations;

namespace DeRisk.Delivery;

public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>Messages taken from the queue per drain (at 1 SMS/s, 10 fill a 10-second schedule).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 10;

    /// <summary>Messages of one batch handled at once (their sends still paced).</summary>
    [Range(1, 32)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Most SMS sent per second: the sender's limit (about 1 for a US long code). 0 turns pacing off.</summary>
    [Range(0, 1000)]
    public double SmsPerSecond { get; set; } = 1;

    /// <summary>Most emails sent per second (SendGrid's plan limit). 0 turns pacing off.</summary>
    [Range(0, 1000)]
    public double EmailPerSecond { get; set; } = 10;

    public double PerSecond(string channel) => channel == Notification.EmailChannel ? EmailPerSecond : SmsPerSecond;

    /// <summary>
    /// The oldest an alert may be when it goes out, counted from its tick (or from the end of the quiet hours it waited
    /// for). Older, it describes a market that has moved on: it is not sent, but recorded as expired and dead-lettered
    /// with reason "Expired" (a dispatcher outage or a backlog past the sender's rate shows up there, not as stale SMS).
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "2.00:00:00")]
    public TimeSpan MaxAlertAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a received message stays locked (hidden from other dispatchers).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the first retry after a transient failure; doubled on each further one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between retries, Retry-After included.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait before retry number <paramref name="deliveryCount"/>: exponential, at least the provider's Retry-After, at most the maximum.</summary>
    public TimeSpan RetryDelay(int deliveryCount, TimeSpan? retryAfter)
    {
        var exponential = RetryBaseDelay * Math.Pow(2, Math.Clamp(deliveryCount - 1, 0, 20));
        var wanted = retryAfter is { } after && after > exponential ? after : exponential;
        return wanted > MaxRetryDelay ? MaxRetryDelay : wanted;
    }

    /// <summary>
    /// How long delivery records are kept (housekeeping deletes older ones; GET /api/me/alerts lists what is kept).
    /// At least 8 days: longer than any message can wait in the queue (deferrals stop at 7 days), so a record is never
    /// gone while its message could still come back.
    /// </summary>
    [Range(typeof(TimeSpan), "8.00:00:00", "3650.00:00:00")]
    public TimeSpan RecordRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>After this many deliveries with transient failures, a message is dead-lettered with its last error.</summary>
    [Range(1, 100)]
    public int MaxDeliveryCount { get; set; } = 5;

    /// <summary>
    /// Deliveries past <see cref="MaxDeliveryCount"/> a message may still spend asking the provider whether an attempt
    /// whose outcome is unknown was taken, while the provider's message list fails. Only when that list has not answered
    /// by then is the message dead-lettered ("ReconciliationFailed"): an SMS the provider took is never recorded unsent
    /// for a fault the retry budget could absorb.
    /// </summary>
    [Range(1, 100)]
    public int ReconcileAttempts { get; set; } = 10;
}
