using BenchmarkDotNet.Attributes;
using DeRisk.Delivery;
using DeRisk.Hosting;
using DeRisk.LocalHost.Sinks;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeRisk.Benchmarks;

/// <summary>
/// Dispatcher overhead per message with pacing off: 500 notifications drained from the Storage queue on Azurite and
/// sent through the Twilio SDK to the local Twilio stand-in on 127.0.0.1, each with its delivery record claimed and
/// written. Needs Azurite: run through scripts/bench.sh (DERISK_BENCH_STORAGE). Messages/s = 500 / Mean.
/// </summary>
[MemoryDiagnoser]
public class DispatcherBenchmarks
{
    private const int Messages = 500;
    private IHost _host = null!;
    private TwilioSink _sink = null!;
    private Dispatcher _dispatcher = null!;
    private INotificationQueue _queue = null!;
    private string _subscriberId = null!;
    private int _round;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sink = new TwilioSink("ACbenchmark", "token");
        await _sink.StartAsync("http://127.0.0.1:0");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(BenchSettings.For("b", new Dictionary<string, string?>
        {
            ["Twilio:BaseUrl"] = _sink.BaseAddress.ToString(),
            ["Dispatch:SmsPerSecond"] = "0",
            ["Dispatch:BatchSize"] = "32",
        }));
        builder.AddDeRisk();
        _host = builder.Build();
        await _host.StartAsync();
        _dispatcher = _host.Services.GetRequiredService<Dispatcher>();
        _queue = _host.Services.GetRequiredService<INotificationQueue>();
        _subscriberId = RowKeys.NewId(TimeProvider.System);
        await _host.Services.GetRequiredService<SubscriberStore>().TryCreateAsync(Subscriber.WithSms(_subscriberId, "+14155550100", TimeProvider.System.GetUtcNow()), default);
    }

    [IterationSetup]
    public void Enqueue()
    {
        _round++;
        for (var i = 0; i < Messages; i++)
        {
            var rule = (_round * 10_000 + i).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            var notification = new Notification(Notification.IdFor(_subscriberId, rule, 1), _subscriberId, rule, 1, Notification.SmsChannel, "DeRisk benchmark. Reply STOP to end.", TimeProvider.System.GetUtcNow());
            _queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), default).GetAwaiter().GetResult();
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<int> DrainFiveHundred()
    {
        var sent = 0;
        while (sent < Messages)
        {
            var result = await _dispatcher.DrainAsync(default);
            sent += result.Sent;
            if (result.Received == 0)
            {
                break;
            }
        }

        return sent;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _sink.DisposeAsync();
    }
}
