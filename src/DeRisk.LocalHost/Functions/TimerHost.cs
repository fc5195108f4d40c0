using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Functions;

/// <summary>Starts one runner per timer function when LocalHost:RunTimers is on; a bad schedule stops the host at start.</summary>
internal sealed class TimerHost(FunctionCatalog catalog, IOptions<LocalHostOptions> options, IConfiguration configuration, IServiceProvider services) : IHostedService
{
    private List<TimerFunctionRunner> _runners = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RunTimers)
        {
            return;
        }

        var runners = catalog.Timers
            .Select(timer => ActivatorUtilities.CreateInstance<TimerFunctionRunner>(services, timer, TimerFunctionRunner.ParseSchedule(timer, configuration)))
            .ToList();
        _runners = runners;
        foreach (var runner in runners)
        {
            await runner.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop twice (a test factory's dispose after a stop): take the runners once.
        foreach (var runner in Interlocked.Exchange(ref _runners, []))
        {
            await runner.StopAsync(cancellationToken);
            runner.Dispose();
        }
    }
}
