using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using DeRisk.Cli;
using DeRisk.Delivery;
using DeRisk.Hosting;
using DeRisk.Storage;
using DeRisk.Tick;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Benchmarks;

/// <summary>
/// The full tick for N synthetic subscribers on Azurite (a load run, not BenchmarkDotNet: one tick is seconds to
/// minutes of I/O). Seeds N subscribers with the load generator, then runs the tick of 2022-05-10 00:00:30 (the UST
/// collapse: a worst case, thousands of alerts fire) single-instance, resets alert states and the queue, and runs it
/// again fanned out to W queue workers. Prints wall time, table requests (reads = queries and point reads, writes),
/// notifications queued, allocation and peak working set. scripts/bench.sh tick N [W] [fan-out]: "fan-out" runs the
/// fanned-out tick alone, on a fresh Azurite (after a large single-instance run Azurite no longer keeps up).
/// </summary>
public static class TickLoadRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var fanOutOnly = args.Length > 2 && args[2] == "fan-out";
        var storage = BenchSettings.Storage;
        var counter = new RequestCounter();
        var settings = BenchSettings.For("t", new Dictionary<string, string?>
        {
            ["Market:Mode"] = "Replay",
            ["Replay:Start"] = "2022-05-10T00:00:30Z",
            ["Replay:Speed"] = "1",
            ["Market:Assets"] = "BTC=bitcoin,ETH=ethereum,USDC=usd-coin,USDT=tether,UST=terrausd,LUNA=terra-luna",
            ["Storage:ShardCount"] = "16",
            ["Tick:ShardConcurrency"] = "4",
        });
        settings["ShardQueueName"] = settings["Storage:TablePrefix"] + "-shards";

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(_ => new TableServiceClient(storage, counter.Options()));
        builder.AddDeRisk();
        using var host = builder.Build();
        await host.StartAsync();
        var services = host.Services;

        var seedWatch = Stopwatch.StartNew();
        var seeded = await ActivatorUtilities.CreateInstance<SyntheticSubscribers>(services).SeedAsync(count, seed: 7, TimeProvider.System.GetUtcNow(), default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {seeded.Subscribers} subscribers, {seeded.Rules} rules, in {seedWatch.Elapsed.TotalSeconds:0.0} s"));

        // The year of daily history the first poll would backfill, filled before the ticks are measured.
        var backfill = await services.GetRequiredService<DeRisk.Market.MarketBackfill>().EnsureAsync(default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backfill: {backfill?.Calls} source reads, {backfill?.DaysWritten} daily rows, in {backfill?.Took.TotalSeconds:0.0} s"));

        await MeasureViewLoadsAsync(services, counter);

        var tick = services.GetRequiredService<MarketTick>();
        if (!fanOutOnly)
        {
            var single = await MeasureAsync("single instance", counter, () => tick.RunAsync(default));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Subscribers {single.Evaluation.Subscribers}, rules {single.Evaluation.Rules}, fired {single.Evaluation.Fired}, no data {single.Evaluation.NoData}"));
            await ResetAsync(services);
        }

        var options = services.GetRequiredService<IOptions<TickOptions>>().Value;
        options.Mode = TickMode.FanOut;
        var shardQueue = services.GetRequiredService<ShardTickQueue>().Queue;
        var shardService = services.GetRequiredService<ShardTickService>();
        var fanned = await MeasureAsync($"fan-out to {workers} workers", counter, async () =>
        {
            var result = await tick.RunAsync(default);
            var sum = EvaluationResult.Empty;
            var gate = new Lock();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                while (true)
                {
                    var message = (await shardQueue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
                    if (message is null)
                    {
                        return;
                    }

                    var shard = await shardService.RunAsync(message.MessageText, default);
                    await shardQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    lock (gate)
                    {
                        sum += shard;
                    }
                }
            }));
            return result with { Evaluation = sum };
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Subscribers {fanned.Evaluation.Subscribers}, rules {fanned.Evaluation.Rules}, fired {fanned.Evaluation.Fired}, no data {fanned.Evaluation.NoData}"));
        await host.StopAsync();
    }

    private static async Task<TickResult> MeasureAsync(string label, RequestCounter counter, Func<Task<TickResult>> tick)
    {
        counter.Reset();
        using var process = Process.GetCurrentProcess();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        using var every20ms = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var sampler = Task.Run(async () =>
        {
            try
            {
                do
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                }
                while (await every20ms.WaitForNextTickAsync(sampling.Token));
            }
            catch (OperationCanceledException)
            {
                // Sampling ends with the tick.
            }
        });
        var allocated = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        var result = await tick();
        watch.Stop();
        await sampling.CancelAsync();
        await sampler;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tick, {label}: {watch.Elapsed.TotalSeconds:0.00} s; table reads {counter.Reads}, table writes {counter.Writes}; notifications queued {result.Evaluation.Notifications}; allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0:0} MB; peak working set {peak / 1048576.0:0} MB"));
        return result;
    }

    /// <summary>
    /// The market view every tick (and every shard of a fanned-out tick) loads: the snapshot's history and each asset's
    /// year of daily rows. One load on a fresh loader, then ten more as the following ticks would make them.
    /// </summary>
    private static async Task MeasureViewLoadsAsync(IServiceProvider services, RequestCounter counter)
    {
        var loader = services.GetRequiredService<DeRisk.Market.MarketViewLoader>();
        var snapshot = await services.GetRequiredService<DeRisk.Market.MarketPoller>().PollAsync(default);
        counter.Reset();
        var watch = Stopwatch.StartNew();
        var first = await loader.LoadAsync(snapshot, default);
        var firstTook = watch.Elapsed;
        var firstReads = counter.Reads;
        counter.Reset();
        watch.Restart();
        const int Next = 10;
        for (var i = 0; i < Next; i++)
        {
            await loader.LoadAsync(snapshot, default);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Market view load ({first.Snapshot.Quotes.Count} symbols, {services.GetRequiredService<IOptions<DeRisk.Market.MarketOptions>>().Value.DailyHistoryDays} days of daily rows): first {firstTook.TotalMilliseconds:0.0} ms, {firstReads} table reads; next {Next}: {watch.Elapsed.TotalMilliseconds / Next:0.0} ms and {counter.Reads / (double)Next:0.#} table reads each"));
    }

    /// <summary>Forgets the first tick's effects (alert states, queued notifications) so the second starts from the same state.</summary>
    private static async Task ResetAsync(IServiceProvider services)
    {
        var tables = services.GetRequiredService<DeRiskTables>();
        await tables.AlertStates.DeleteAsync();
        await tables.AlertStates.CreateIfNotExistsAsync();
        var queue = services.GetRequiredService<StorageNotificationQueue>();
        await services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(queue.QueueName).ClearMessagesAsync();
    }
}
