using Azure.Data.Tables;
using DeRisk.Hosting;
using DeRisk.LocalHost.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeRisk.Benchmarks;

/// <summary>
/// What both dispatcher measurements run against: the app on the Azurite scripts/bench.sh started, pacing off,
/// batches of 32, and the Twilio stand-in on 127.0.0.1 as its Twilio.
/// </summary>
public sealed class DispatchHost : IAsyncDisposable
{
    private DispatchHost(IHost host, TwilioSink sink)
    {
        Host = host;
        Sink = sink;
    }

    public IHost Host { get; }

    public TwilioSink Sink { get; }

    public IServiceProvider Services => Host.Services;

    /// <param name="counter">Counts the table requests, when given.</param>
    public static async Task<DispatchHost> StartAsync(RequestCounter? counter = null)
    {
        var sink = new TwilioSink("ACbenchmark", "token");
        await sink.StartAsync("http://127.0.0.1:0");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(BenchSettings.For("d", new Dictionary<string, string?>
        {
            ["Twilio:BaseUrl"] = sink.BaseAddress.ToString(),
            ["Dispatch:SmsPerSecond"] = "0",
            ["Dispatch:BatchSize"] = "32",
        }));
        if (counter is not null)
        {
            builder.Services.AddSingleton(_ => new TableServiceClient(BenchSettings.Storage, counter.Options()));
        }

        builder.AddDeRisk();
        var host = builder.Build();
        await host.StartAsync();
        return new DispatchHost(host, sink);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        await Sink.DisposeAsync();
    }
}
