using DeRisk.LocalHost.Sinks;

namespace DeRisk.LocalHost.Demo;

/// <summary>Runs one provider stand-in beside the local host for the life of the host.</summary>
internal abstract class SinkHost<TSink> : IHostedService, IAsyncDisposable
    where TSink : LocalSink
{
    private TSink? _sink;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sink = Create();
        await sink.StartAsync(Url, cancellationToken);
        Console.WriteLine($"Local {Name} sink listening on {sink.BaseAddress}");
        _sink = sink;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _sink, null) is { } sink)
        {
            await sink.DisposeAsync();
        }
    }

    protected abstract string Name { get; }

    protected abstract string Url { get; }

    /// <summary>The sink, with its printer attached.</summary>
    protected abstract TSink Create();
}
