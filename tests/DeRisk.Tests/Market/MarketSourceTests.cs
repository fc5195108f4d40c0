using DeRisk.Market;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DeRisk.Tests.Market;

/// <summary>The live adapters against real HTTP servers on 127.0.0.1 speaking CoinGecko's and alternative.me's JSON.</summary>
public sealed class MarketSourceTests : IAsyncLifetime
{
    private FakeUpstream _coinGecko = null!;
    private FakeUpstream _alternativeMe = null!;
    private IHost _host = null!;

    private static readonly TrackedAsset[] Assets = [new("BTC", "bitcoin"), new("USDC", "usd-coin")];

    public async Task InitializeAsync()
    {
        _coinGecko = await FakeUpstream.StartAsync();
        _alternativeMe = await FakeUpstream.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Mode"] = "Live",
            ["CoinGecko:BaseUrl"] = _coinGecko.BaseAddress.ToString(),
            ["CoinGecko:DemoApiKey"] = "demo-key",
            // Long enough that a loaded machine never turns a slow first answer into a timeout (no test here waits for one).
            ["CoinGecko:Timeout"] = "00:00:10",
            ["CoinGecko:RetryAttempts"] = "1",
            ["CoinGecko:RetryDelay"] = "00:00:00.010",
            ["CoinGecko:MaxRetryDelay"] = "00:00:00.050",
            ["AlternativeMe:BaseUrl"] = _alternativeMe.BaseAddress.ToString(),
            ["AlternativeMe:RetryAttempts"] = "0",
        });
        builder.AddDeRiskMarket();
        _host = builder.Build();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _coinGecko.DisposeAsync();
        await _alternativeMe.DisposeAsync();
    }

    private CoinGeckoSource CoinGecko => _host.Services.GetRequiredService<CoinGeckoSource>();

    private AlternativeMeSource AlternativeMe => _host.Services.GetRequiredService<AlternativeMeSource>();

    [Fact]
    public async Task CoinGecko_simple_price_is_read_with_its_last_updated_time_and_the_demo_key()
    {
        _coinGecko.EnqueueJson("""{"bitcoin":{"usd":30078.27,"last_updated_at":1652140800},"usd-coin":{"usd":0.9998,"last_updated_at":1652140790}}""");

        var reading = await CoinGecko.ReadAsync(Assets, default);

        Assert.Null(reading.Failure);
        Assert.Equal(
            [new SourceQuote("BTC", 30078.27, DateTimeOffset.FromUnixTimeSeconds(1652140800), "coingecko"), new SourceQuote("USDC", 0.9998, DateTimeOffset.FromUnixTimeSeconds(1652140790), "coingecko")],
            reading.Quotes);
        Assert.Equal("/api/v3/simple/price?ids=bitcoin,usd-coin&vs_currencies=usd&include_last_updated_at=true demo-key", Assert.Single(_coinGecko.Requests));
    }

    [Fact]
    public async Task CoinGecko_omitting_a_coin_leaves_it_out_rather_than_guessing()
    {
        _coinGecko.EnqueueJson("""{"bitcoin":{"usd":30078.27,"last_updated_at":1652140800}}""");

        var logs = new ListLogger<CoinGeckoSource>();
        var source = new CoinGeckoSource(_host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(CoinGeckoSource)), logs);

        var reading = await source.ReadAsync(Assets, default);

        Assert.Equal(["BTC"], reading.Quotes.Select(q => q.Asset));

        // An id CoinGecko does not know is said as a configuration error, not left to look like an outage.
        var unknown = Assert.Single(logs.Entries, e => e.Id.Id == 1003);
        Assert.Contains("'usd-coin' (USDC)", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoinGecko_429_with_a_retry_after_within_the_retry_limit_is_retried_within_the_poll()
    {
        _coinGecko.EnqueueJson("""{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}}""", 429, retryAfter: "0");
        _coinGecko.EnqueueJson("""{"bitcoin":{"usd":30078.27,"last_updated_at":1652140800}}""");

        var reading = await CoinGecko.ReadAsync(Assets, default);

        Assert.Null(reading.Failure);
        Assert.Single(reading.Quotes);
        Assert.Equal(2, _coinGecko.Requests.Count);
    }

    [Fact]
    public async Task CoinGecko_asking_to_wait_longer_than_the_retry_limit_fails_the_poll_at_once()
    {
        _coinGecko.EnqueueJson("""{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}}""", 429, retryAfter: "60");
        _coinGecko.EnqueueJson("""{"bitcoin":{"usd":30078.27,"last_updated_at":1652140800}}""");

        var reading = await CoinGecko.ReadAsync(Assets, default);

        // The provider's own words travel with the failure (to the log and to /api/ops/health).
        Assert.Equal("HTTP 429: You've exceeded the Rate Limit.", reading.Failure);
        Assert.Single(_coinGecko.Requests);
    }

    [Fact]
    public async Task CoinGecko_persistent_5xx_is_a_failed_reading_not_an_exception()
    {
        _coinGecko.EnqueueJson("""{"error":"bad gateway"}""", 502);
        _coinGecko.EnqueueJson("""{"error":"service unavailable"}""", 503);

        var reading = await CoinGecko.ReadAsync(Assets, default);

        Assert.Equal("HTTP 503: service unavailable", reading.Failure);
        Assert.Empty(reading.Quotes);
    }

    [Fact]
    public async Task CoinGecko_malformed_json_is_a_failed_reading()
    {
        _coinGecko.EnqueueJson("""{"bitcoin":{"usd":30078.27,""");

        var reading = await CoinGecko.ReadAsync(Assets, default);

        Assert.StartsWith("malformed JSON", reading.Failure, StringComparison.Ordinal);
        Assert.Empty(reading.Quotes);
    }

    [Fact]
    public async Task CoinGecko_that_never_answers_times_out_into_a_failed_reading()
    {
        _coinGecko.EnqueueHang();
        _coinGecko.EnqueueHang();

        var reading = await CoinGecko.ReadAsync(Assets, default);

        Assert.NotNull(reading.Failure);
        Assert.Empty(reading.Quotes);
        Assert.Equal(2, _coinGecko.Requests.Count);
    }

    [Fact]
    public async Task Fear_and_greed_index_is_read_from_alternative_me_string_fields()
    {
        _alternativeMe.EnqueueJson("""{"name":"Fear and Greed Index","data":[{"value":"11","value_classification":"Extreme Fear","timestamp":"1652054400","time_until_update":"45000"}],"metadata":{"error":null}}""");

        var reading = await AlternativeMe.ReadAsync(Assets, default);

        Assert.Equal([new SourceQuote("FNG", 11, DateTimeOffset.FromUnixTimeSeconds(1652054400), "alternative.me")], reading.Quotes);
        Assert.StartsWith("/fng/?limit=1", Assert.Single(_alternativeMe.Requests), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"Fear and Greed Index","data":[],"metadata":{"error":null}}""")]
    [InlineData("""{"data":[{"value":"abc","timestamp":"1652054400"}]}""")]
    [InlineData("""{"data":[{"value":"140","timestamp":"1652054400"}]}""")]
    [InlineData("""{"data":null,"metadata":{"error":"Unknown error"}}""")]
    [InlineData("""not json""")]
    public async Task Fear_and_greed_answers_without_a_usable_value_are_failed_readings(string body)
    {
        _alternativeMe.EnqueueJson(body);

        var reading = await AlternativeMe.ReadAsync(Assets, default);

        Assert.NotNull(reading.Failure);
        Assert.Empty(reading.Quotes);
    }

    [Fact]
    public void Poller_records_stale_and_missing_values_without_a_value()
    {
        var now = new DateTimeOffset(2022, 5, 10, 0, 20, 0, TimeSpan.Zero);
        var limit = TimeSpan.FromMinutes(15);

        var fresh = MarketPoller.Judge("BTC", new SourceQuote("BTC", 30078.27, now.AddMinutes(-15), "coingecko"), now, limit);
        var stale = MarketPoller.Judge("BTC", new SourceQuote("BTC", 30078.27, now.AddMinutes(-16), "coingecko"), now, limit);
        var missing = MarketPoller.Judge("BTC", null, now, limit);

        Assert.Equal((QuoteStatus.Ok, 30078.27), (fresh.Status, fresh.Value!.Value));
        Assert.Equal((QuoteStatus.Stale, (double?)null), (stale.Status, stale.Value));
        Assert.Equal((QuoteStatus.Missing, (double?)null), (missing.Status, missing.Value));
    }

    [Fact]
    public void A_value_stamped_in_the_future_is_never_fresh_and_a_little_clock_skew_counts_as_now()
    {
        var now = new DateTimeOffset(2022, 5, 10, 0, 20, 0, TimeSpan.Zero);
        var limit = TimeSpan.FromMinutes(15);

        var tenMinutesAhead = MarketPoller.Judge("BTC", new SourceQuote("BTC", 30078.27, now.AddMinutes(10), "coingecko"), now, limit);
        var slightlyAhead = MarketPoller.Judge("BTC", new SourceQuote("BTC", 30078.27, now.AddSeconds(30), "coingecko"), now, limit);

        Assert.Equal((QuoteStatus.Stale, (double?)null), (tenMinutesAhead.Status, tenMinutesAhead.Value));
        Assert.Equal((QuoteStatus.Ok, now), (slightlyAhead.Status, slightlyAhead.AsOf!.Value));
    }
}
