using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.LocalHost.Functions;

/// <summary>
/// Runs one timer function on its NCRONTAB schedule (six fields, seconds first), read from the attribute and resolved
/// from configuration as the Functions host resolves %Setting% expressions. Time comes from the app's TimeProvider,
/// so a replay clock runs schedules in replayed time. Runs never overlap; a late run is followed at once by the
/// latest occurrence it missed (once, past due); a failed run is logged and the next one comes.
/// </summary>
internal sealed partial class TimerFunctionRunner(
    TimerFunction function,
    CronExpression schedule,
    IServiceProvider services,
    TimeProvider time,
    ILogger<TimerFunctionRunner> logger) : BackgroundService
{
    public static CronExpression ParseSchedule(TimerFunction function, IConfiguration configuration)
    {
        var text = function.Schedule;
        if (text.Length > 2 && text.StartsWith('%') && text.EndsWith('%'))
        {
            var setting = text[1..^1];
            text = configuration[setting]
                ?? throw new InvalidOperationException($"Function {function.Name}: the setting '{setting}' named by its schedule is not set.");
        }

        try
        {
            return CronExpression.Parse(text, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException($"Function {function.Name}: schedule '{text}' is not a six-field NCRONTAB expression.", ex);
        }
    }

    private DateTimeOffset? _firstDue;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Anchor the schedule when the host starts, not when the background loop first gets a thread.
        _firstDue = schedule.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (function.RunOnStartup)
        {
            await RunOnceAsync(isPastDue: false, stoppingToken).ConfigureAwait(false);
        }

        var due = _firstDue;
        while (due is { } occurrence && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Timers may wake a little early; never run before the occurrence is due.
                for (var now = time.GetUtcNow(); now < occurrence; now = time.GetUtcNow())
                {
                    await WaitUntilAsync(occurrence, now, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Occurrences missed while a run was late are not replayed one by one: like the Functions host, the
            // latest of them runs once, flagged past due.
            var latest = time.GetUtcNow();
            var missed = schedule.GetOccurrences(occurrence, latest, TimeZoneInfo.Utc, fromInclusive: false, toInclusive: true).LastOrDefault();
            await RunOnceAsync(isPastDue: missed != default, stoppingToken).ConfigureAwait(false);
            due = schedule.GetNextOccurrence(missed != default ? missed : occurrence, TimeZoneInfo.Utc);
        }
    }

    /// <summary>
    /// Waits until <paramref name="occurrence"/>, read as due from <paramref name="now"/>. A timer counts from when it
    /// is made, so if the clock jumped between reading it and making the timer (a test clock advanced meanwhile), the
    /// timer would be late by that much: it is then made again from the new time. The drift a running clock (a fast
    /// replay) shows between two reads is far below the threshold and changes nothing.
    /// </summary>
    private async Task WaitUntilAsync(DateTimeOffset occurrence, DateTimeOffset now, CancellationToken stoppingToken)
    {
        using var moved = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(occurrence - now, time, moved.Token);
        var drift = time.GetUtcNow() - now;
        if (drift <= TimeSpan.FromSeconds(1) || drift < (occurrence - now) / 10)
        {
            await delay.ConfigureAwait(false);
            return;
        }

        await moved.CancelAsync().ConfigureAwait(false);
        try
        {
            await delay.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Made again by the caller's loop from the new time.
        }
    }

    private async Task RunOnceAsync(bool isPastDue, CancellationToken stoppingToken)
    {
        using var scope = services.CreateScope();
        try
        {
            await FunctionInvoker.InvokeAsync(scope.ServiceProvider, function.Type, function.Method,
                p => p.ParameterType == typeof(TimerInfo) ? new TimerInfo { IsPastDue = isPastDue } : stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRunFailed(logger, function.Name, ex);
        }
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private static partial void LogRunFailed(ILogger logger, string function, Exception exception);
}
