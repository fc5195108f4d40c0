using BenchmarkDotNet.Attributes;
using DeRisk.Delivery;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Benchmarks;

/// <summary>
/// Dispatcher overhead per message with pacing off: 500 notifications for 500 subscribers (one each, as a tick queues
/// them) drained from the Storage queue on Azurite and sent through the Twilio SDK to the local Twilio stand-in on
/// 127.0.0.1, each with its subscriber read and its delivery record claimed and written. Beside it the floor: the same
/// messages received, sent and deleted with nothing else (<see cref="FloorDrain"/>). Needs Azurite: run through
/// scripts/bench.sh (DERISK_BENCH_STORAGE). Messages/s = 1 s / Mean.
/// </summary>
[MemoryDiagnoser]
public class DispatcherBenchmarks
{
    private const int Messages = 500;
    private DispatchHost _bench = null!;
    private Dispatcher _dispatcher = null!;
    private Func<CancellationToken, Task<DispatchResult>> _floor = null!;
    private INotificationQueue _queue = null!;
    private string[] _subscriberIds = null!;
    private int _round;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await DispatchHost.StartAsync();
        _dispatcher = _bench.Services.GetRequiredService<Dispatcher>();
        _floor = FloorDrain.For(_bench.Services);
        _queue = _bench.Services.GetRequiredService<INotificationQueue>();
        var subscribers = _bench.Services.GetRequiredService<SubscriberStore>();
        _subscriberIds = Enumerable.Range(0, Messages).Select(_ => RowKeys.NewId(TimeProvider.System)).ToArray();
        await Parallel.ForEachAsync(_subscriberIds, async (id, token) =>
            await subscribers.TryCreateAsync(Subscriber.WithSms(id, "+14155550100", TimeProvider.System.GetUtcNow()), token));
    }

    [IterationSetup]
    public void Enqueue()
    {
        _round++;
        var rule = _round.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        Parallel.ForEachAsync(_subscriberIds, async (id, token) =>
        {
            var notification = new Notification(Notification.IdFor(id, rule, 1), id, [new RuleEpisode(rule, 1)], Notification.SmsChannel, "DeRisk: BTC -11.6% in 24h (your limit -10.0%). Reply STOP to end.", TimeProvider.System.GetUtcNow());
            await _queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), token);
        }).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task<int> Dispatcher() => DrainAllAsync(_dispatcher.DrainAsync);

    [Benchmark(OperationsPerInvoke = Messages, Baseline = true)]
    public Task<int> Floor() => DrainAllAsync(_floor);

    private static async Task<int> DrainAllAsync(Func<CancellationToken, Task<DispatchResult>> drain)
    {
        var sent = 0;
        while (true)
        {
            var result = await drain(default);
            sent += result.Sent;
            if (result.Received == 0)
            {
                return sent;
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _bench.DisposeAsync();
}
