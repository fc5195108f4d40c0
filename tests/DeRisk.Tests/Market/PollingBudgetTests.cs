using DeRisk.Hosting;
using DeRisk.Market;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Market;

/// <summary>What live mode spends at CoinGecko and alternative.me, and the plans it runs on.</summary>
public sealed class PollingBudgetTests : IAsyncLifetime
{
    private FakeUpstream _coinGecko = null!;
    private FakeUpstream _alternativeMe = null!;

    public async Task InitializeAsync()
    {
        _coinGecko = await FakeUpstream.StartAsync();
        _alternativeMe = await FakeUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _coinGecko.DisposeAsync();
        await _alternativeMe.DisposeAsync();
    }

    private IHost Build(Dictionary<string, string?> settings, TimeProvider? wallClock = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Mode"] = "Live",
            ["CoinGecko:BaseUrl"] = _coinGecko.BaseAddress.ToString(),
            ["CoinGecko:RetryAttempts"] = "0",
            ["AlternativeMe:BaseUrl"] = _alternativeMe.BaseAddress.ToString(),
            ["AlternativeMe:RetryAttempts"] = "0",
        }.Concat(settings).ToDictionary());
        if (wallClock is not null)
        {
            builder.Services.AddKeyedSingleton(Clocks.Wall, wallClock);
        }

        builder.AddDeRiskMarket();
        return builder.Build();
    }

    [Fact]
    public void The_default_live_configuration_holds_within_the_demo_plan()
    {
        var market = new MarketOptions { Mode = MarketMode.Live };
        var demo = new CoinGeckoOptions { Plan = CoinGeckoPlan.Demo, ApiKey = "key" };

        var budget = CoinGeckoBudget.For(demo, market.TrackedAssets.Count, "0 */5 * * * *");

        // Every five minutes for 31 days, and at most one history call per asset per UTC day, three on its first day
        // (the year of daily rows, hourly and 5-minute points): 8,928 + 27 x 31 + 27 x 2 = 9,819.
        Assert.Equal(31 * 24 * 12, budget.Polls);
        Assert.Equal((market.TrackedAssets.Count * 31) + (market.TrackedAssets.Count * 2), budget.Backfill);
        Assert.Equal(market.TrackedAssets.Count * 31, CoinGeckoBudget.For(demo, market.TrackedAssets.Count, "0 */5 * * * *", intraday: false).Backfill);
        Assert.Equal(10_000, budget.Limit);
        Assert.True(budget.Holds, $"{budget.Credits} calls a month");
        Assert.Equal((budget.Polls + budget.Backfill) * 3, budget.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(2.5), budget.BackfillInterval);
    }

    [Theory]
    [InlineData("0 */5 * * * *", 8928)]
    [InlineData("*/5 * * * *", 8928)]
    [InlineData("0 0 * * * *", 744)]
    [InlineData("00:10:00", 4464)]
    public void Polls_per_month_are_counted_from_the_schedule(string schedule, int expected) =>
        Assert.Equal(expected, CoinGeckoBudget.PollsPerMonth(schedule));

    [Fact]
    public async Task A_schedule_past_the_plans_monthly_limit_stops_the_app_at_start_naming_the_settings()
    {
        using var host = Build(new() { ["MarketPollSchedule"] = "0 * * * * *", ["CoinGecko:Plan"] = "Demo", ["CoinGecko:ApiKey"] = "key" });

        var error = await StartFailsAsync(host);

        Assert.Contains("MarketPollSchedule '0 * * * * *' makes 44640 polls a month", error.Message, StringComparison.Ordinal);
        Assert.Contains("10000, the Demo plan's monthly limit (CoinGecko:Plan, CoinGecko:MonthlyCallLimit)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paid_plan_without_its_key_stops_the_app_at_start()
    {
        using var host = Build(new() { ["CoinGecko:Plan"] = "Pro" });

        var error = await StartFailsAsync(host);

        Assert.Contains("CoinGecko:ApiKey is required on the Pro plan", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The start fails on options validation (reported once per validated options, so possibly more than once).</summary>
    private static async Task<Exception> StartFailsAsync(IHost host)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.All(error is AggregateException all ? all.InnerExceptions : [error], e => Assert.IsType<OptionsValidationException>(e));
        return error;
    }

    [Fact]
    public async Task Pro_sends_its_key_in_the_pro_header_and_every_tracked_id_goes_in_one_call()
    {
        using var host = Build(new() { ["CoinGecko:Plan"] = "Pro", ["CoinGecko:ApiKey"] = "pro-key", ["Market:Assets"] = "" });
        _coinGecko.EnqueueJson(StandIns.Fixture("coingecko-simple-price.json"));
        var tracked = host.Services.GetRequiredService<IOptions<MarketOptions>>().Value.TrackedAssets;

        var reading = await host.Services.GetRequiredService<CoinGeckoSource>().ReadAsync(tracked, default);

        var request = Assert.Single(_coinGecko.Requests);
        Assert.EndsWith("&vs_currencies=usd&include_last_updated_at=true  pro:pro-key", request, StringComparison.Ordinal);
        Assert.Equal("/api/v3/simple/price?ids=" + string.Join(',', tracked.Select(a => a.CoinGeckoId)), request[..request.IndexOf('&', StringComparison.Ordinal)]);
        Assert.True(tracked.Count >= 25, "the default live list: top 20 and the main stablecoins");
        Assert.Equal(["BTC"], reading.Quotes.Select(q => q.Asset));
        Assert.Equal(CoinGeckoOptions.ProBaseUrl, new CoinGeckoOptions { Plan = CoinGeckoPlan.Pro, ApiKey = "k" }.EffectiveBaseUrl);
        Assert.Equal(CoinGeckoOptions.PublicBaseUrl, new CoinGeckoOptions { Plan = CoinGeckoPlan.Demo, ApiKey = "k" }.EffectiveBaseUrl);
    }

    [Fact]
    public async Task Fear_and_greed_is_asked_again_only_after_its_time_until_update()
    {
        var wall = new FakeTimeProvider(new DateTimeOffset(2019, 2, 26, 5, 0, 0, TimeSpan.Zero));
        using var host = Build(new(), wall);
        var source = host.Services.GetRequiredService<AlternativeMeSource>();
        _alternativeMe.EnqueueJson(StandIns.Fixture("alternative-me-fng.json")); // time_until_update 68499 s
        _alternativeMe.EnqueueJson(StandIns.Fixture("alternative-me-fng.json"));

        var first = await source.ReadAsync([], default);
        wall.Advance(TimeSpan.FromSeconds(68499));
        var beforeUpdate = await source.ReadAsync([], default);
        wall.Advance(FearAndGreedSchedule.Grace);
        var afterUpdate = await source.ReadAsync([], default);

        Assert.Equal(first.Quotes, beforeUpdate.Quotes);
        Assert.Equal(first.Quotes, afterUpdate.Quotes);
        Assert.Equal(2, _alternativeMe.Requests.Count);
        Assert.Equal([new SourceQuote(Assets.FearAndGreed, 40, DateTimeOffset.FromUnixTimeSeconds(1551157200), "alternative.me")], first.Quotes);
    }

    [Fact]
    public async Task CoinGecko_history_and_error_bodies_are_read_in_their_documented_shapes()
    {
        using var host = Build(new());
        var source = host.Services.GetRequiredService<CoinGeckoSource>();
        _coinGecko.EnqueueJson(StandIns.Fixture("coingecko-market-chart.json"));
        _coinGecko.EnqueueJson(StandIns.Fixture("coingecko-history-range.json"), 401);
        _coinGecko.EnqueueJson(StandIns.Fixture("coingecko-coin-not-found.json"), 404);

        var chart = await source.ReadDailyAsync(new TrackedAsset("BTC", "bitcoin"), 2, default);
        var tooFarBack = await source.ReadDailyAsync(new TrackedAsset("BTC", "bitcoin"), 400, default);
        var unknown = await source.ReadDailyAsync(new TrackedAsset("XYZ", "no-such-coin"), 365, default);

        Assert.Equal([69702.3087473573, 71246.9514406015, 68887.7495158568], chart.Quotes.Select(q => q.Value));
        Assert.Equal(new DateTimeOffset(2024, 3, 31, 0, 0, 0, TimeSpan.Zero), chart.Quotes[0].AsOf);
        Assert.StartsWith("HTTP 401: Your request exceeds the allowed time range.", tooFarBack.Failure, StringComparison.Ordinal);
        Assert.Empty(tooFarBack.ConfigurationErrors);
        Assert.Equal("HTTP 404: coin not found", unknown.Failure);
        Assert.Equal(["CoinGecko does not know the id 'no-such-coin' (XYZ): check Market:Assets"], unknown.ConfigurationErrors);
        Assert.Equal("/api/v3/coins/bitcoin/market_chart?vs_currency=usd&days=2&interval=daily ", _coinGecko.Requests[0]);
    }
}
