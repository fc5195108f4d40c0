using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Functions;

/// <summary>Starts one runner per timer function when LocalHost:RunTimers is on; a bad schedule stops the host at start.</summary>
internal sealed class TimerHost(FunctionCatalog catalog, IOptions<LocalHostOptions> options, IConfiguration configuration, IServiceProvider services) : IHostedService
{
    private readonly List<TimerFunctionRunner> _runners = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RunTimers)
        {
            return;
        }

        foreach (var timer in catalog.Timers)
        {
            var schedule = TimerFunctionRunner.ParseSchedule(timer, configuration);
            _runners.Add(ActivatorUtilities.CreateInstance<TimerFunctionRunner>(services, timer, schedule));
        }

        foreach (var runner in _runners)
        {
            await runner.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var runner in _runners)
        {
            await runner.StopAsync(cancellationToken);
            runner.Dispose();
        }

        _runners.Clear();
    }
}
