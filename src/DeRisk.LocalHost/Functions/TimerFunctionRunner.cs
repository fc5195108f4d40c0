using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.LocalHost.Functions;

/// <summary>
/// Runs one timer function on its NCRONTAB schedule (six fields, seconds first), read from the attribute and resolved
/// from configuration as the Functions host resolves %Setting% expressions. Time comes from the app's TimeProvider,
/// so a replay clock runs schedules in replayed time. Runs never overlap; a failed run is logged and the next one comes.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (function.RunOnStartup)
        {
            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                // Timers may wake a little early; never run before the occurrence is due.
                while (now < next)
                {
                    await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
                    now = time.GetUtcNow();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        using var scope = services.CreateScope();
        try
        {
            await FunctionInvoker.InvokeAsync(scope.ServiceProvider, function.Type, function.Method,
                p => p.ParameterType == typeof(TimerInfo) ? new TimerInfo() : stoppingToken).ConfigureAwait(false);
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
