using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Azure.Storage.Queues;
using DeRisk.Market;
using DeRisk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Alerts;

public enum TickMode
{
    /// <summary>The timer's instance evaluates every shard (a few at a time): up to about 100k subscribers.</summary>
    SingleInstance,

    /// <summary>The timer queues one message per shard; the queue-triggered EvaluateShard function evaluates each, on as many instances as Azure Functions scales to.</summary>
    FanOut,
}

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
    public DateTimeOffset? NextTickAfter(DateTimeOffset now)
    {
        if (!PollSchedule.Contains(' ', StringComparison.Ordinal)
            && TimeSpan.TryParse(PollSchedule, System.Globalization.CultureInfo.InvariantCulture, out var period) && period > TimeSpan.Zero)
        {
            return now + period;
        }

        var fields = PollSchedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return Cronos.CronExpression.TryParse(PollSchedule, fields == 6 ? Cronos.CronFormat.IncludeSeconds : Cronos.CronFormat.Standard, out var cron)
            && cron.GetNextOccurrence(now.UtcDateTime) is { } next
            ? new DateTimeOffset(next, TimeSpan.Zero)
            : null;
    }
}

/// <summary>One shard to evaluate against the snapshot taken at <see cref="SnapshotAt"/>.</summary>
public sealed record ShardTickMessage(string Shard, DateTimeOffset SnapshotAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ShardTickMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardTickMessage>(text, Json) is { Shard.Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The Storage queue the fan-out tick writes and the EvaluateShard function reads (base64, as the queue trigger expects).</summary>
public sealed class ShardTickQueue(QueueServiceClient service, IOptions<TickOptions> options) : IStorageResource
{
    public QueueClient Queue { get; } = service.GetQueueClient(options.Value.ShardQueueName);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task SendAsync(ShardTickMessage message, CancellationToken cancellationToken) =>
        await Queue.SendMessageAsync(message.ToJson(), cancellationToken: cancellationToken).ConfigureAwait(false);
}

/// <summary>
/// Evaluates one shard from a queue message: loads the snapshot the tick stored (so every shard sees the same market),
/// builds the view and runs the <see cref="ShardEvaluator"/>. A redelivered message evaluates again: the alert states
/// written the first time make it plan nothing new.
/// </summary>
public sealed partial class ShardTickService(MarketStore market, MarketViewLoader views, ShardEvaluator evaluator, ILogger<ShardTickService> logger)
{
    public async Task<EvaluationResult> RunAsync(string messageText, CancellationToken cancellationToken)
    {
        var message = ShardTickMessage.Parse(messageText) ?? throw new FormatException("Not a shard tick message.");
        var snapshot = await market.SnapshotAtAsync(message.SnapshotAt, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The snapshot taken at {message.SnapshotAt:O} is not stored.");
        var view = await views.LoadAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var result = await evaluator.EvaluateAsync(message.Shard, view, cancellationToken).ConfigureAwait(false);
        LogShard(logger, message.Shard, message.SnapshotAt, result.Subscribers, result.Fired, result.Notifications);
        return result;
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Shard {Shard} at {SnapshotAt:O}: {Subscribers} subscribers, {Fired} fired, {Notifications} queued")]
    private static partial void LogShard(ILogger logger, string shard, DateTimeOffset snapshotAt, int subscribers, int fired, int notifications);
}
