using System.ComponentModel.DataAnnotations;

namespace DeRisk.Tick;

public sealed class TickOptions
{
    public const string Section = "Tick";

    public TickMode Mode { get; set; } = TickMode.SingleInstance;

    /// <summary>Shards evaluated at once by the single-instance tick.</summary>
    [Range(1, 64)]
    public int ShardConcurrency { get; set; } = 4;

    /// <summary>The Storage queue of shard messages (the top-level setting ShardQueueName, which the queue trigger reads as %ShardQueueName%).</summary>
    [Required, RegularExpression("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$", ErrorMessage = "ShardQueueName must be a valid queue name: 3-63 lowercase letters, digits and single hyphens.")]
    public string ShardQueueName { get; set; } = "derisk-shards";

    /// <summary>
    /// The subscriber console's absolute URL (e.g. https://derisk.example.com/api/console/), linked from every alert
    /// email to manage or stop alerts; empty: emails say how to do it with the API instead.
    /// </summary>
    [Url]
    public string? ConsoleUrl { get; set; }

    public Uri? ConsoleUri => string.IsNullOrWhiteSpace(ConsoleUrl) ? null : new Uri(ConsoleUrl.EndsWith('/') ? ConsoleUrl : ConsoleUrl + "/", UriKind.Absolute);

    /// <summary>
    /// The tick's schedule (the top-level MarketPollSchedule setting): an NCRONTAB expression with seconds, or a period
    /// such as "00:05:00". The planner asks it when the next tick runs, to know whether news held back in quiet hours
    /// can be re-checked before they end.
    /// </summary>
    public string PollSchedule { get; internal set; } = "0 */5 * * * *";

    /// <summary>The first tick after <paramref name="now"/> on <see cref="PollSchedule"/>; null when the schedule cannot be read.</summary>
    public DateTimeOffset? NextTickAfter(DateTimeOffset now) =>
        Hosting.TimerSchedule.TryParse(PollSchedule, out var schedule) ? schedule.Next(now) : null;
}
