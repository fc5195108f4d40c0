using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeRisk.Market;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace DeRisk.Tests.Market;

/// <summary>
/// Live mode on its first day: the local host on Azurite, CoinGecko and alternative.me stood in for on 127.0.0.1 with
/// their documented answers, the clock at 2022-06-20 00:00:30 (BTC about 70 % under its November 2021 high).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BackfillTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2022, 6, 20, 0, 0, 30, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private LiveStandIns _live = null!;
    private LocalHostFactory _host = null!;

    public async Task InitializeAsync()
    {
        _live = await LiveStandIns.StartAsync(_time);

        // The daily rows on their own here; the recent points for priceChange windows: IntradayBackfillTests.
        _host = _live.Host(azurite, "BTC=bitcoin,LUNA=terra-luna", new Dictionary<string, string?> { ["Market:IntradayBackfill"] = "false" });
    }

    public async Task DisposeAsync() => await _live.DisposeAsync();

    private T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    private static string ChartRequest(string id, int days) => $"/api/v3/coins/{id}/market_chart?vs_currency=usd&days={days}&interval=daily demo-key";

    /// <summary>What the CSV says, read directly: BTC's close at D 00:00 against the highest close of the 365 days D-364..D.</summary>
    private static double ExpectedBtcDrawdown(DateOnly day)
    {
        var current = History.BtcClose(day.AddDays(-1));
        var high = Enumerable.Range(1, 365).Select(back => History.BtcClose(day.AddDays(-back))).Max();
        return ((current / high) - 1) * 100;
    }

    [Fact]
    public async Task The_first_live_tick_after_deployment_evaluates_365_day_rules_on_backfilled_history()
    {
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("BTC", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("LUNA", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(Start, ("BTC", "bitcoin"), ("LUNA", "terra-luna")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 365));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 1));
        var subscriber = await TestSubscribers.SeedWithTokenAsync(_host, "+14155550142");
        foreach (var rule in new object[]
        {
            new { kind = "drawdown", asset = "BTC", percent = 50, days = 365 },
            new { kind = "portfolioDrawdown", holdings = new Dictionary<string, double> { ["BTC"] = 0.5 }, percent = 40, days = 365, maxRiskPercent = 60 },
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await subscriber.Client.PostAsJsonAsync("/api/me/rules", rule)).StatusCode);
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var backfill = await Get<MarketBackfill>().EnsureAsync(default);
        var took = stopwatch.Elapsed;
        var tick = await Get<MarketTick>().RunAsync(default);

        Assert.NotNull(backfill);
        output.WriteLine($"Backfill against the stand-ins: {backfill.Calls} calls, {backfill.DaysWritten} daily rows, {took.TotalMilliseconds:F0} ms of wall time on Azurite (a note, not asserted)");
        Assert.Equal((3, 0), (backfill.Calls, backfill.Failed));
        Assert.Equal(
            [ChartRequest("bitcoin", 365), ChartRequest("terra-luna", 365), "/api/v3/simple/price?ids=bitcoin,terra-luna&vs_currencies=usd&include_last_updated_at=true demo-key"],
            _live.CoinGecko.Requests);
        Assert.Equal(["/fng/?limit=365 ", "/fng/?limit=1 "], _live.AlternativeMe.Requests);

        // Both rules evaluated on the first tick, neither "no data", both met: BTC was about 70 % under its year high.
        Assert.Equal((2, 0, 2), (tick.Evaluation.Rules, tick.Evaluation.NoData, tick.Evaluation.Fired));
        var view = await Get<MarketViewLoader>().LoadAsync(tick.Snapshot, default);
        var drawdown = view.Drawdown("BTC", 365);
        Assert.Equal(ExpectedBtcDrawdown(Assets.DayOf(Start)), drawdown.Percent, 9);

        // The functions and the backtest agree on the window.
        var replayed = ReplayMarket.ViewAt(ReplayDataset.Default, Start, ["BTC"], Views.Limit, TimeSpan.FromDays(8), 365);
        Assert.Equal(replayed.Drawdown("BTC", 365).Reference, drawdown.Reference, 9);
        output.WriteLine($"First tick: BTC {drawdown.Percent:F1} % against its 365-day high of {drawdown.Reference:F0}; {tick.Evaluation.Rules} rules, {tick.Evaluation.NoData} no data, {tick.Evaluation.Fired} fired");
    }

    [Fact]
    public async Task The_backfill_writes_the_days_once_skips_what_is_stored_and_resumes_after_a_failure()
    {
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("BTC", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.Fixture("coingecko-429.json"), 429);
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 365));
        var backfill = Get<MarketBackfill>();

        var first = await backfill.RunAsync(default);
        var waiting = await backfill.RunAsync(default);
        _time.Advance(TimeSpan.FromHours(1));
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("LUNA", _time.GetUtcNow(), 365));
        var resumed = await backfill.RunAsync(default);
        var settled = await backfill.RunAsync(default);

        Assert.Equal((3, 1), (first.Calls, first.Failed));
        Assert.Equal((0, 1), (waiting.Calls, waiting.Failed));
        Assert.Equal((1, 0), (resumed.Calls, resumed.Failed));
        Assert.Equal((0, 0, 3), (settled.Calls, settled.Failed, settled.Settled));
        Assert.Equal([ChartRequest("bitcoin", 365), ChartRequest("terra-luna", 365), ChartRequest("terra-luna", 365)], _live.CoinGecko.Requests);

        // The daily rows the poller and the view read: one per day, the close CoinGecko had at each midnight.
        var today = Assets.DayOf(Start);
        var days = await Get<MarketStore>().ReadDailyAsync("BTC", today.AddDays(-365), today, default);
        Assert.Equal(Enumerable.Range(0, 366).Select(i => today.AddDays(-365 + i)), days.Select(d => d.Day));
        Assert.All(days, d => Assert.Equal(History.BtcClose(d.Day.AddDays(-1)), d.Close, 9));

        // LUNA's history starts in 2022 (the shipped data, as a young coin's would): the days before were asked for
        // and are not asked again; nor is anything the next day, when the polls have kept the days whole.
        _time.Advance(TimeSpan.FromDays(1));
        await Get<MarketStore>().SaveAsync(new MarketSnapshot(_time.GetUtcNow(), [
            new SnapshotQuote("BTC", QuoteStatus.Ok, 20_000, _time.GetUtcNow(), "coingecko"),
            new SnapshotQuote("LUNA", QuoteStatus.Ok, 0.0001, _time.GetUtcNow(), "coingecko"),
            new SnapshotQuote(Assets.FearAndGreed, QuoteStatus.Ok, 10, _time.GetUtcNow(), "alternative.me")]), default);
        var nextDay = await backfill.RunAsync(default);
        Assert.Equal((0, 3), (nextDay.Calls, nextDay.Settled));
    }

    [Fact]
    public async Task An_id_coingecko_does_not_know_is_a_configuration_error_in_health_and_an_outage_is_failing_since()
    {
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("BTC", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.Fixture("coingecko-coin-not-found.json"), 404);
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(Start, ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.Fixture("alternative-me-error.json"));
        _live.AlternativeMe.EnqueueJson(StandIns.Fixture("alternative-me-error.json"));

        await Get<MarketTick>().RunAsync(default);
        var health = await HealthAsync();

        var coinGecko = health["coingecko"];
        Assert.Equal("misconfigured", coinGecko.GetProperty("state").GetString());
        Assert.Equal("CoinGecko does not know the id 'terra-luna' (LUNA): check Market:Assets", coinGecko.GetProperty("lastError").GetString());
        Assert.Equal(1, coinGecko.GetProperty("usable").GetInt32());
        var fearAndGreed = health["alternative.me"];
        Assert.Equal("failing", fearAndGreed.GetProperty("state").GetString());
        Assert.Equal(Start, fearAndGreed.GetProperty("since").GetDateTimeOffset());
        Assert.Equal("upstream error: Too many requests, please try again later.", fearAndGreed.GetProperty("lastError").GetString());

        // Five minutes on it answers again: ok since then, the last error kept with its time.
        _time.Advance(TimeSpan.FromMinutes(5));
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(_time.GetUtcNow(), ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(_time.GetUtcNow(), 1));
        await Get<MarketTick>().RunAsync(default);
        fearAndGreed = (await HealthAsync())["alternative.me"];
        Assert.Equal(("ok", _time.GetUtcNow()), (fearAndGreed.GetProperty("state").GetString(), fearAndGreed.GetProperty("since").GetDateTimeOffset()));
        Assert.Equal(Start, fearAndGreed.GetProperty("lastErrorAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Assets_lists_what_can_be_watched_with_the_latest_price_and_its_age_anonymously()
    {
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("BTC", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.MarketChart("LUNA", Start, 365));
        _live.CoinGecko.EnqueueJson(StandIns.SimplePrice(Start, ("BTC", "bitcoin")));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 365));
        _live.AlternativeMe.EnqueueJson(StandIns.FearAndGreed(Start, 1));
        await Get<MarketTick>().RunAsync(default);

        var response = await _host.CreateClient().GetAsync("/api/assets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var assets = json.RootElement.GetProperty("assets").EnumerateArray().ToDictionary(a => a.GetProperty("symbol").GetString()!);
        Assert.Equal(["BTC", "LUNA", "FNG"], assets.Keys);
        Assert.Equal(History.BtcClose(new DateOnly(2022, 6, 19)), assets["BTC"].GetProperty("value").GetDouble(), 9);
        Assert.Equal(30, assets["BTC"].GetProperty("ageSeconds").GetDouble());
        Assert.Equal("bitcoin", assets["BTC"].GetProperty("coinGeckoId").GetString());
        Assert.Equal(("missing", JsonValueKind.Null), (assets["LUNA"].GetProperty("status").GetString(), assets["LUNA"].GetProperty("value").ValueKind));
        Assert.Equal("index", assets["FNG"].GetProperty("kind").GetString());
    }

    private async Task<Dictionary<string, JsonElement>> HealthAsync()
    {
        var response = await _host.CreateClient().GetAsync("/api/ops/health?code=" + LocalHostFactory.FunctionKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("source").GetString()!, s => s.Clone());
    }
}
