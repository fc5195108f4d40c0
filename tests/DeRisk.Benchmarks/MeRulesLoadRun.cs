using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using DeRisk.Functions.Http;
using DeRisk.Functions.Tick;
using DeRisk.Hosting;
using DeRisk.LocalHost;
using DeRisk.LocalHost.Functions;
using DeRisk.Rules;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeRisk.Benchmarks;

/// <summary>
/// A load run (not BenchmarkDotNet: it needs per-request latencies) of GET /api/me/rules: the local host on Kestrel on
/// 127.0.0.1 with Azurite, 100 subscribers with 5 rules each, N requests from C concurrent clients with random tokens.
/// Prints requests/s and the p50/p90/p99/max latency. Needs Azurite: scripts/bench.sh load [requests] [concurrency].
/// </summary>
public static class MeRulesLoadRun
{
    public static async Task RunAsync(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        var catalog = new FunctionCatalog(typeof(MarketPollFunction).Assembly);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(BenchSettings.For("l", new Dictionary<string, string?> { ["LocalHost:RunTimers"] = "false" }));
        builder.AddDeRisk();
        builder.AddDeRiskHttp();
        builder.AddLocalFunctionHost(catalog);
        await using var app = builder.Build();
        app.MapFunctions(catalog);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var store = app.Services.GetRequiredService<SubscriberStore>();
        var tokens = app.Services.GetRequiredService<TokenStore>();
        var now = TimeProvider.System.GetUtcNow();
        var issued = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var id = RowKeys.NewId(TimeProvider.System);
            await store.TryCreateAsync(Subscriber.WithSms(id, "+1415555" + (1000 + i).ToString("D4", CultureInfo.InvariantCulture), now), default);
            for (var r = 0; r < 5; r++)
            {
                await store.TryAddRuleAsync(id, new StoredRule(RowKeys.NewId(TimeProvider.System), new PriceChangeRule("BTC", ChangeDirection.Drop, 5 + r, RuleWindow.OneDay), now), default);
            }

            issued.Add(await tokens.IssueAsync(id, now, default));
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
        async Task<double> GetAsync(int n)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me/rules");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issued[n % issued.Count]);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < 500; i++)
        {
            await GetAsync(i); // warm-up: JIT, connections, Azurite
        }

        var latencies = new double[requests];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < requests)
            {
                latencies[n] = await GetAsync(n);
            }
        }));
        wall.Stop();

        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GET /api/me/rules: {requests} requests, {concurrency} concurrent, {wall.Elapsed.TotalSeconds:0.00} s = {requests / wall.Elapsed.TotalSeconds:0} requests/s; latency p50 {Percentile(0.50):0.0} ms, p90 {Percentile(0.90):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {latencies[^1]:0.0} ms"));
        await app.StopAsync();
    }
}
