using System.Net;
using System.Net.Http.Json;
using DeRisk.Market;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace DeRisk.Tests.Market;

/// <summary>
/// The recent points of priceChange windows on a fresh live deployment: the local host on Azurite, CoinGecko and
/// alternative.me stood in for on 127.0.0.1 (market_chart with interval=daily, and without one: hourly for days=8,
/// 5-minute for days=1), the clock at 2022-06-18 14:05:30, the afternoon BTC fell under $18,000.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IntradayBackfillTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2022, 6, 18, 14, 5, 30, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private LiveStandIns _live = null!;

    public async Task InitializeAsync() => _live = await LiveStandIns.StartAsync(_time);

    public async Task DisposeAsync() => await _live.DisposeAsync();

    /// <summary>An instance of the app; instances given the same <paramref name="prefix"/> share their storage, as a scaled-out app does.</summary>
    private LocalHostFactory Instance(string? prefix = null, bool backfillOnStart = false) =>
        _live.Host(azurite, "BTC=bitcoin", new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = prefix,
            ["Market:BackfillOnStart"] = backfillOnStart ? "true" : "false",
        });

    private static string Chart(string range) => $"/api/v3/coins/bitcoin/market_chart?vs_currency=usd&{range} demo-key";

    /// <summary>What a fresh deployment's backfill is answered with, in the order it asks; returns the three charts.</summary>
    private (string Daily, string Hourly, string FiveMinute) AnswerFirstBackfill(DateTimeOffset now)
    {
        var answers = (StandIns.MarketChart("BTC", now, 365), StandIns.MarketChartAuto("BTC", now, 8), StandIns.MarketChartAuto("BTC", now, 1));
        _live.CoinGecko.EnqueueJson(answers.Item1);
        _live.CoinGecko.EnqueueJson(answers.Item2);
        _live.CoinGecko.EnqueueJson(answers.Item3);
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(now, 365));
        return answers;
    }

    [Fact]
    public async Task The_first_live_tick_after_deployment_evaluates_1h_24h_and_7d_price_changes_on_backfilled_points()
    {
        var host = Instance();
        var (daily, hourly, fiveMinute) = AnswerFirstBackfill(Start);
        var price = StandIns.SimplePrice(Start, ("BTC", "bitcoin"));
        _live.CoinGecko.EnqueueJson(price);
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 1));
        var subscriber = await TestSubscribers.SeedWithTokenAsync(host, "+14155550143");
        foreach (var window in new[] { "1h", "24h", "7d" })
        {
            var rule = new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 5, window };
            Assert.Equal(HttpStatusCode.Created, (await subscriber.Client.PostAsJsonAsync("/api/me/rules", rule)).StatusCode);
        }

        var backfill = await host.Services.GetRequiredService<MarketBackfill>().EnsureAsync(default);
        var tick = await host.Services.GetRequiredService<MarketTick>().RunAsync(default);

        // One call for the year of daily rows, one for 8 days of hourly points, one for the last day's 5-minute points.
        Assert.NotNull(backfill);
        Assert.Equal((4, 0), (backfill.Calls, backfill.Failed));
        Assert.Equal(StandIns.Prices(hourly).Count + StandIns.Prices(fiveMinute).Count, backfill.PointsWritten);
        Assert.Equal(
            [Chart("days=365&interval=daily"), Chart("days=8"), Chart("days=1"), "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&include_last_updated_at=true demo-key"],
            _live.CoinGecko.Requests);

        // Every priceChange rule has data on the first tick.
        Assert.Equal((3, 0), (tick.Evaluation.Rules, tick.Evaluation.NoData));

        // Each window's reference is the newest stored point at or before its start, of what the stand-ins served: the
        // daily chart's points (history keeps the last 31 days), the hourly and 5-minute ones, and the poll's own point.
        var stored = new SortedDictionary<DateTimeOffset, double>();
        foreach (var point in StandIns.Prices(daily).Where(p => p.AsOf >= Start - TimeSpan.FromDays(31))
                     .Concat(StandIns.Prices(hourly)).Concat(StandIns.Prices(fiveMinute)))
        {
            stored[point.AsOf] = point.Value;
        }

        var view = await host.Services.GetRequiredService<MarketViewLoader>().LoadAsync(tick.Snapshot, default);
        Assert.True(view.TryGetCurrent("BTC", out var current));
        stored[current.AsOf] = current.Value;
        foreach (var (window, served) in new[] { (TimeSpan.FromHours(1), fiveMinute), (TimeSpan.FromDays(1), hourly), (TimeSpan.FromDays(7), hourly) })
        {
            var reference = stored.Last(p => p.Key <= current.AsOf - window);
            var change = view.Change("BTC", window);
            Assert.True(change.HasData, change.NoDataReason);
            Assert.Equal(reference.Value, change.Reference);
            Assert.Equal(((current.Value / reference.Value) - 1) * 100, change.Percent, 9);
            Assert.Contains(StandIns.Prices(served), p => p.AsOf == reference.Key);
            output.WriteLine($"BTC {MarketView.Describe(window)}: {change.Percent:F2} % from {reference.Value:F2} as of {reference.Key:yyyy-MM-dd HH:mm:ss}Z ({current.AsOf - window - reference.Key} before the window's start)");
        }
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_provider_error_on_the_recent_points_is_a_failure_on_record_the_tick_still_runs_and_the_next_day_fills_them(int status)
    {
        var host = Instance();
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("BTC", Start, 365));
        _live.CoinGecko.EnqueueJson(status == 429 ? StandIns.Fixture("coingecko-429.json") : """{"status":{"error_code":503,"error_message":"Service Unavailable"}}""", status);
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(Start, ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 1));
        var subscriber = await TestSubscribers.SeedWithTokenAsync(host, "+14155550149");
        var rule = new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 5, window = "7d" };
        Assert.Equal(HttpStatusCode.Created, (await subscriber.Client.PostAsJsonAsync("/api/me/rules", rule)).StatusCode);
        var backfill = host.Services.GetRequiredService<MarketBackfill>();

        var failed = await backfill.RunAsync(default);
        var tick = await host.Services.GetRequiredService<MarketTick>().RunAsync(default);

        // The daily rows went in (and the index's); the recent points did not (one failed call, the asset not asked again
        // that pass), and nothing was made up: the 7 d window is no data.
        Assert.Equal((3, 1), (failed.Calls, failed.Failed));
        Assert.Equal(0, failed.PointsWritten);
        Assert.True(failed.DaysWritten > 300);
        Assert.Equal((1, 1), (tick.Evaluation.Rules, tick.Evaluation.NoData));

        // The next UTC day the backfill asks again (one call), and the window has data.
        _time.Advance(TimeSpan.FromDays(1));
        var now = _time.GetUtcNow();
        _live.CoinGecko.EnqueueJson(StandIns.MarketChartAuto("BTC", now, 8));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(now, 2));
        var retried = await backfill.RunAsync(default);
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(now, ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(now, 1));
        var next = await host.Services.GetRequiredService<MarketTick>().RunAsync(default);

        Assert.True(retried.PointsWritten > 0, retried + " " + string.Join(" | ", _live.CoinGecko.Requests));
        Assert.Equal(0, retried.Failed);
        Assert.Equal(Chart("days=8"), _live.CoinGecko.Requests.Last(r => r.Contains("market_chart", StringComparison.Ordinal)));
        Assert.Equal((1, 0), (next.Evaluation.Rules, next.Evaluation.NoData));
    }

    [Fact]
    public async Task After_an_outage_the_backfill_makes_one_coingecko_call_a_day_per_asset_recent_points_first()
    {
        var host = Instance();
        AnswerFirstBackfill(Start);
        var backfill = host.Services.GetRequiredService<MarketBackfill>();
        Assert.Equal(4, (await backfill.RunAsync(default)).Calls);

        // No poll for two days and three hours: the hourly points, the last day's 5-minute points and two days' rows
        // are missing. Today's one call goes to the hourly points; the rest waits for tomorrow.
        _time.Advance(TimeSpan.FromHours(51));
        _live.CoinGecko.EnqueueJson(StandIns.MarketChartAuto("BTC", _time.GetUtcNow(), 3));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(_time.GetUtcNow(), 3));
        var outage = await backfill.RunAsync(default);
        var again = await backfill.RunAsync(default);

        Assert.Equal((2, 1), (outage.Calls, outage.Deferred));
        Assert.Equal((0, 1), (again.Calls, again.Deferred));
        Assert.Equal(Chart("days=3"), _live.CoinGecko.Requests[^1]);
        Assert.Equal(4, _live.CoinGecko.Requests.Count);

        // The next UTC day, one call again: the 5-minute points (still no poll); the daily rows after that.
        _time.Advance(TimeSpan.FromDays(1));
        _live.CoinGecko.EnqueueJson(StandIns.MarketChartAuto("BTC", _time.GetUtcNow(), 1));
        var nextDay = await backfill.RunAsync(default);

        Assert.Equal((1, 1), (nextDay.Calls, nextDay.Deferred));
        Assert.Equal([Chart("days=3"), Chart("days=1")], _live.CoinGecko.Requests.Skip(3));
    }

    [Fact]
    public async Task The_backfill_runs_when_the_app_starts_as_its_own_step_and_the_first_tick_only_polls()
    {
        AnswerFirstBackfill(Start);
        var host = Instance(backfillOnStart: true);
        var step = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<MarketBackfillOnStart>().Single();
        await step.ExecuteTask!;
        Assert.Equal(3, _live.CoinGecko.Requests.Count);

        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(Start, ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 1));
        var tick = await host.Services.GetRequiredService<MarketTick>().RunAsync(default);

        Assert.Equal("/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&include_last_updated_at=true demo-key", Assert.Single(_live.CoinGecko.Requests.Skip(3)));
        Assert.Equal(["/fng/?limit=365 ", "/fng/?limit=1 "], _live.AlternativeMe.Requests);
        var view = await host.Services.GetRequiredService<MarketViewLoader>().LoadAsync(tick.Snapshot, default);
        Assert.True(view.Drawdown("BTC", 365).HasData);
        Assert.True(view.Change("BTC", TimeSpan.FromHours(1)).HasData);
    }

    [Fact]
    public async Task Two_instances_starting_together_make_the_provider_calls_once_and_both_tick_on_the_history()
    {
        var first = Instance();
        var second = Instance(first.Prefix);
        AnswerFirstBackfill(Start);
        var backfills = new[] { first, second }.Select(h => h.Services.GetRequiredService<MarketBackfill>()).ToList();

        var results = await Task.WhenAll(backfills.Select(b => b.EnsureAsync(default)));

        // One instance backfilled; the other found the lease held (or, had it come after, everything stored).
        Assert.Equal(3, _live.CoinGecko.Requests.Count);
        Assert.Single(_live.AlternativeMe.Requests);
        Assert.Single(results, r => r is { Calls: 4, HeldBy: null });
        Assert.Single(results, r => r is { Calls: 0 });
        output.WriteLine($"Backfill results: {string.Join("; ", results)}");

        // Both instances tick on the history the one wrote.
        foreach (var host in new[] { first, second })
        {
            _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(_time.GetUtcNow(), ("BTC", "bitcoin")));
            _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(_time.GetUtcNow(), 1));
            var tick = await host.Services.GetRequiredService<MarketTick>().RunAsync(default);
            var view = await host.Services.GetRequiredService<MarketViewLoader>().LoadAsync(tick.Snapshot, default);
            Assert.True(view.Drawdown("BTC", 365).HasData);
            Assert.True(view.Change("BTC", TimeSpan.FromDays(7)).HasData);
        }

        Assert.Equal(5, _live.CoinGecko.Requests.Count);
    }
}
