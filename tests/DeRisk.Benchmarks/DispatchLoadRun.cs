using System.Diagnostics;
using System.Globalization;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Benchmarks;

/// <summary>
/// The dispatcher draining N notifications for N subscribers (one each, as a tick queues them) from the Storage queue
/// on Azurite through the Twilio SDK to the local Twilio stand-in, pacing off, with D dispatchers at once. Prints
/// messages/s, table requests per message and the CPU each side spent per message (this process: dispatcher + Twilio
/// stand-in; Azurite, when scripts/bench.sh passes its process id). scripts/bench.sh dispatch [N] [D] [floor]; "floor" runs the bare receive-send-delete loop instead.
/// </summary>
public static class DispatchLoadRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
        var dispatchers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var floor = args.Length > 2 && args[2] == "floor";
        var counter = new RequestCounter();
        await using var bench = await DispatchHost.StartAsync(counter);
        // A first round warms both sides (JIT here, V8 in Azurite); the second is measured.
        Func<CancellationToken, Task<DispatchResult>> drain = floor ? FloorDrain.For(bench.Services) : bench.Services.GetRequiredService<Dispatcher>().DrainAsync;
        await RoundAsync(bench.Services, bench.Sink, Math.Min(count, 500), dispatchers, counter, drain, print: false);
        await RoundAsync(bench.Services, bench.Sink, count, dispatchers, counter, drain, print: true);
    }

    private static async Task RoundAsync(IServiceProvider services, TwilioSink sink, int count, int dispatchers, RequestCounter counter, Func<CancellationToken, Task<DispatchResult>> drain, bool print)
    {
        var queue = services.GetRequiredService<INotificationQueue>();
        var subscribers = services.GetRequiredService<SubscriberStore>();
        var now = TimeProvider.System.GetUtcNow();
        var acceptedBefore = sink.Messages.Count;

        // One notification per subscriber, as a tick queues them.
        var ids = Enumerable.Range(0, count).Select(_ => RowKeys.NewId(TimeProvider.System)).ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
        {
            await subscribers.TryCreateAsync(Subscriber.WithSms(id, "+14155550100", now), token);
            var rule = Guid.NewGuid().ToString("N");
            var notification = new Notification(Notification.IdFor(id, rule, 1), id, [new RuleEpisode(rule, 1)], Notification.SmsChannel, "BTC fell 12.4% in 24h to $31,012. DeRisk benchmark. Reply STOP to end.", now);
            await queue.SendAsync(new OutgoingMessage(notification.Id, notification.ToBinary()), token);
        });

        counter.Reset();
        var azurite = AzuriteCpu();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, dispatchers).Select(async _ =>
        {
            while (true)
            {
                var result = await drain(default);
                Interlocked.Add(ref sent, result.Sent);
                if (result.Received == 0)
                {
                    return;
                }
            }
        }));
        watch.Stop();
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var azuriteCpu = AzuriteCpu() - azurite;
        var perMessage = 1000.0 / Math.Max(1, sent);
        if (!print)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Dispatched {sent} of {count} with {dispatchers} dispatcher(s) in {watch.Elapsed.TotalSeconds:0.00} s: {sent / watch.Elapsed.TotalSeconds:0} messages/s; " +
            $"per message: table reads {counter.Reads / (double)sent:0.00}, table writes {counter.Writes / (double)sent:0.00}, " +
            $"CPU here {ownCpu.TotalSeconds * perMessage:0.00} ms, CPU in Azurite {(azuriteCpu is { } a ? (a.TotalSeconds * perMessage).ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "unknown")}, " +
            $"allocated {(GC.GetTotalAllocatedBytes() - allocated) / (double)sent / 1024:0} KB; Twilio stand-in accepted {sink.Messages.Count - acceptedBefore}"));
    }

    /// <summary>Azurite's CPU time so far from /proc (Linux), when scripts/bench.sh passes its process id.</summary>
    private static TimeSpan? AzuriteCpu()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("DERISK_BENCH_AZURITE_PID"), CultureInfo.InvariantCulture, out var pid)
            || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields 14 and 15 (user and system time, in clock ticks of 1/100 s) follow the parenthesised command name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
    }
}
