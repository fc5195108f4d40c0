using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Functions;

/// <summary>
/// Runs the Storage-queue-triggered functions as the Functions host does: polls the queue (named by the attribute,
/// %Setting% resolved), invokes the function with the message text, deletes the message on success, leaves it to
/// reappear on failure and moves it to "&lt;queue&gt;-poison" after <see cref="MaxDequeueCount"/> attempts. Polls
/// back off to 2 s when the queue is empty. Runs when LocalHost:RunTimers is on (tests drive <see cref="RunOnceAsync"/>).
/// </summary>
public sealed partial class QueueHost(
    FunctionCatalog catalog,
    QueueServiceClient queues,
    IConfiguration configuration,
    IOptions<LocalHostOptions> options,
    IServiceProvider services,
    ILogger<QueueHost> logger) : BackgroundService
{
    public const int MaxDequeueCount = 5;

    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(5);

    /// <summary>Receives up to one batch from every queue function's queue and handles it; returns how many messages it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        foreach (var function in catalog.Queues)
        {
            var queue = queues.GetQueueClient(Resolve(function.QueueName));
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var batch = (await queue.ReceiveMessagesAsync(options.Value.QueueBatchSize, Visibility, cancellationToken).ConfigureAwait(false)).Value;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = options.Value.QueueBatchSize, CancellationToken = cancellationToken },
                async (message, token) => await HandleAsync(function, queue, message, token).ConfigureAwait(false)).ConfigureAwait(false);
            handled += batch.Length;
        }

        return handled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunTimers || catalog.Queues.Count == 0)
        {
            return;
        }

        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                    idle = TimeSpan.FromMilliseconds(100);
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex);
            }

            // Wall-clock backoff: the app's clock may be a fast replay clock.
            await Task.Delay(idle, TimeProvider.System, stoppingToken).ConfigureAwait(false);
            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private async Task HandleAsync(QueueFunction function, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(scope.ServiceProvider, function.Type, function.Method,
                p => p.ParameterType == typeof(CancellationToken) ? cancellationToken : message.MessageText).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, function.Name, message.MessageId, (int)message.DequeueCount, ex);
            if (message.DequeueCount >= MaxDequeueCount)
            {
                var poison = queues.GetQueueClient(queue.Name + "-poison");
                await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await poison.SendMessageAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string Resolve(string name) =>
        name.StartsWith('%') && name.EndsWith('%') && name.Length > 2
            ? configuration[name[1..^1]] ?? throw new InvalidOperationException($"Setting {name[1..^1]} (queue name of a queue trigger) is not set.")
            : name;

    [LoggerMessage(EventId = 8200, Level = LogLevel.Error, Message = "Queue function {Function} failed on message {MessageId} (attempt {DequeueCount})")]
    private static partial void LogFailed(ILogger logger, string function, string messageId, int dequeueCount, Exception exception);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Polling the trigger queues failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
