using System.Net;
using System.Text.Json;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Ops;

/// <summary>Operators' endpoints: function keys required; health figures; subscribers paged across shards, masked.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OpsTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Theory]
    [InlineData("/api/ops/health")]
    [InlineData("/api/ops/subscribers")]
    public async Task Without_the_function_key_ops_routes_are_401(string route)
    {
        var none = await Host.CreateClient().GetAsync(route);
        var wrong = await Host.CreateClient().GetAsync(route + "?code=wrong");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.StatusCode, wrong.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await Host.CreateClient().GetAsync(route + "?code=" + LocalHostFactory.FunctionKey)).StatusCode);
    }

    [Fact]
    public async Task Health_reports_snapshot_age_per_source_queue_depth_dead_letters_and_the_last_tick()
    {
        await TestSubscribers.SeedAsync(Host.Services, "+14155550180");
        await Host.Services.GetRequiredService<MarketTick>().RunAsync(default);
        Time.Advance(TimeSpan.FromMinutes(3));

        var health = await GetAsync("/api/ops/health");

        Assert.Equal(new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero), health.GetProperty("lastSnapshotAt").GetDateTimeOffset());
        var sources = health.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("source").GetString()!, s => s.GetProperty("ageSeconds").GetDouble());
        Assert.NotEmpty(sources);
        Assert.All(sources.Values, age => Assert.True(age >= 180, $"age {age}"));
        Assert.Equal((0, 0), (health.GetProperty("queueDepth").GetInt64(), health.GetProperty("deadLetters").GetInt64()));
        Assert.Equal(1, health.GetProperty("lastTickSubscribers").GetInt32());
        Assert.True(health.GetProperty("lastTickMilliseconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task A_source_that_gave_nothing_usable_is_still_listed_with_no_age()
    {
        var now = Time.GetUtcNow();
        await Host.Services.GetRequiredService<DeRisk.Market.MarketStore>().SaveAsync(
            new DeRisk.Market.MarketSnapshot(now, [DeRisk.Market.SnapshotQuote.Missing("BTC"), DeRisk.Market.SnapshotQuote.Missing("FNG")]), default);

        var health = await GetAsync("/api/ops/health");

        var source = Assert.Single(health.GetProperty("sources").EnumerateArray());
        Assert.Equal(("replay", 0, System.Text.Json.JsonValueKind.Null), (source.GetProperty("source").GetString(), source.GetProperty("usable").GetInt32(), source.GetProperty("ageSeconds").ValueKind));
    }

    [Fact]
    public async Task Subscribers_are_listed_in_pages_across_shards_with_addresses_masked()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await TestSubscribers.SeedAsync(Host.Services, $"+1415555{(190 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await GetAsync("/api/ops/subscribers?pageSize=3" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 3);
            Assert.All(items, item => Assert.Matches(@"^\+1\*{8}\d\d$", item.GetProperty("phone").GetString()));
            seen.AddRange(items.Select(item => item.GetProperty("id").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 20);

        Assert.Equal(ids.Order(), seen.Order());
        Assert.True(pages >= 3);
    }

    private async Task<JsonElement> GetAsync(string route)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", LocalHostFactory.FunctionKey);
        var response = await client.GetAsync(route);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
