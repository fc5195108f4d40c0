using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DeRisk.LocalHost.Sinks;

/// <summary>A provider stand-in on its own Kestrel listener on 127.0.0.1: what the run command prints and the tests count.</summary>
public abstract class LocalSink : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts listening; "http://127.0.0.1:0" picks a free port.</summary>
    public async Task StartAsync(string url, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Maps the provider's endpoints.</summary>
    protected abstract void Map(WebApplication app);
}
