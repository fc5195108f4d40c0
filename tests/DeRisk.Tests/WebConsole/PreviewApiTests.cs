using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeRisk.Rules;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.WebConsole;

/// <summary>
/// POST /api/preview: a rule replayed over the shipped history by the backtester, with the subscriber's token,
/// answered with the watched series and one marker per message; bad input is a field-by-field 400, a stranger a 401,
/// and past the per-subscriber limit a 429.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PreviewApiTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 6, 1, 0, 0, 30, TimeSpan.Zero))
{
    private const int Limit = 4;

    private static readonly object BtcDrop = new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" };

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Preview:PerSubscriberPerHour"] = Limit.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_depeg_that_deepens_is_marked_once_as_fired_then_as_escalations_all_critical()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550602");

        var response = await subscriber.Client.PostAsJsonAsync("/api/preview",
            new { rule = new { kind = "depeg", asset = "UST", percent = 2, escalateEvery = 10 }, from = "2022-05-01", to = "2022-06-30" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var markers = (await Json(response)).GetProperty("markers").EnumerateArray().ToList();
        Assert.True(markers.Count >= 2);
        Assert.Equal("fire", markers[0].GetProperty("kind").GetString());
        Assert.All(markers.Skip(1), m => Assert.Equal("escalate", m.GetProperty("kind").GetString()));
        Assert.All(markers.Skip(1), m => Assert.Contains("worse: UST", m.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.All(markers, m => Assert.True(m.GetProperty("critical").GetBoolean()));
    }

    [Fact]
    public async Task Btc_down_10_percent_in_24h_over_May_2022_marks_the_days_the_csv_says()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550601");

        var response = await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, from = "2022-05-01", to = "2022-05-31" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await Json(response);

        var expected = BtcDropDaysOfMay2022();
        Assert.NotEmpty(expected);
        var markers = preview.GetProperty("markers").EnumerateArray().ToList();
        Assert.Equal(expected, markers.Select(m => m.GetProperty("time").GetString()![..10]));
        Assert.All(markers, m => Assert.Equal("fire", m.GetProperty("kind").GetString()));
        Assert.All(markers, m => Assert.Contains("BTC -", m.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.All(markers, m => Assert.False(m.GetProperty("critical").GetBoolean()));

        // The series is BTC, one point a day: the close known at that day's midnight.
        var series = Assert.Single(preview.GetProperty("series").EnumerateArray());
        Assert.Equal("BTC", series.GetProperty("asset").GetString());
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(31, points.Count);
        Assert.Equal("2022-05-10", points[9].GetProperty("date").GetString());
        Assert.Equal(History.BtcClose(new DateOnly(2022, 5, 9)), points[9].GetProperty("value").GetDouble());
        Assert.Equal(expected.Count, preview.GetProperty("summary").GetProperty("episodes").GetInt32());
    }

    [Fact]
    public async Task A_combination_with_fear_and_greed_returns_both_series_and_its_all_clears_are_resolve_markers()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550602");
        var rule = new { kind = "allOf", rules = new object[] { BtcDrop, new { kind = "sentiment", when = "atOrBelow", value = 20 } }, allClear = true };

        var response = await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule, from = "2022-05-01", to = "2022-07-31" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await Json(response);
        Assert.Equal(["BTC", "FNG"], preview.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("asset").GetString()));
        Assert.Equal(92, preview.GetProperty("series")[0].GetProperty("points").GetArrayLength());
        Assert.InRange(preview.GetProperty("series")[1].GetProperty("points").GetArrayLength(), 85, 92);
        var markers = preview.GetProperty("markers").EnumerateArray().ToList();
        var fires = markers.Where(m => m.GetProperty("kind").GetString() == "fire").ToList();
        var resolves = markers.Where(m => m.GetProperty("kind").GetString() == "resolve").ToList();
        Assert.NotEmpty(fires);
        Assert.NotEmpty(resolves);
        Assert.Equal(markers.Count, fires.Count + resolves.Count);
        Assert.All(fires, m => Assert.Contains("BTC -", m.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.All(resolves, m => Assert.StartsWith("DeRisk all clear", m.GetProperty("text").GetString(), StringComparison.Ordinal));
        var summary = preview.GetProperty("summary");
        Assert.Equal(summary.GetProperty("episodes").GetInt32(), fires.Count);
        Assert.Equal(summary.GetProperty("resolved").GetInt32(), resolves.Count);
        Assert.True(string.CompareOrdinal(fires[0].GetProperty("time").GetString(), resolves[0].GetProperty("time").GetString()) < 0);
    }

    [Fact]
    public async Task A_named_range_ends_on_the_last_day_of_history_every_watched_series_has()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550607");
        var rule = new { kind = "anyOf", rules = new object[] { BtcDrop, new { kind = "sentiment", when = "atOrBelow", value = 20 } } };

        var year = await Json(await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule, range = "lastYear" }));
        var month = await Json(await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" }));

        // BTC's history ends before Fear & Greed's: both ranges end on BTC's last day.
        var btcLast = DeRisk.Market.Assets.DayOf(DeRisk.Market.ReplayDataset.Default.Series("BTC")[^1].AsOf);
        Assert.True(btcLast < DeRisk.Market.Assets.DayOf(DeRisk.Market.ReplayDataset.Default.Series("FNG")[^1].AsOf));
        Assert.Equal((btcLast.AddDays(-364), btcLast), (Day(year, "from"), Day(year, "to")));
        Assert.Equal((btcLast.AddDays(-29), btcLast), (Day(month, "from"), Day(month, "to")));
        Assert.Equal(30, month.GetProperty("series")[0].GetProperty("points").GetArrayLength());
    }

    [Fact]
    public async Task Without_a_token_it_is_401_with_the_bearer_challenge()
    {
        var response = await Host.CreateClient().PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer realm=\"derisk\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_rule_and_a_backwards_range_are_reported_together()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550604");
        var bad = new { kind = "depeg", asset = "UST", percent = 2, escalateEvery = 0.5 };

        var response = await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = bad, from = "2022-06-30", to = "2022-05-01" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["rule.escalateEvery", "to"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bad_rule_gets_the_same_field_errors_as_saving_it_under_rule()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550603");
        var bad = new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 150, window = "2d" };

        var saved = await Json(await subscriber.Client.PostAsJsonAsync("/api/me/rules", bad));
        var response = await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = bad, range = "last30Days" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        foreach (var field in saved.GetProperty("errors").EnumerateObject())
        {
            Assert.Equal(field.Value.GetRawText(), errors.GetProperty("rule." + field.Name).GetRawText());
        }

        Assert.Equal(saved.GetProperty("errors").EnumerateObject().Count(), errors.EnumerateObject().Count());
    }

    [Theory]
    [InlineData("""{"from":"2022-05-31","to":"2022-05-01"}""", "to")]
    [InlineData("""{"from":"2019-01-01","to":"2022-05-01"}""", "to")]
    [InlineData("""{"from":"2022-13-01","to":"2022-05-01"}""", "from")]
    [InlineData("""{"from":"2022-05-01"}""", "to")]
    [InlineData("""{"range":"forever"}""", "range")]
    [InlineData("""{"range":"lastYear","from":"2022-05-01","to":"2022-05-31"}""", "range")]
    [InlineData("""{}""", "range")]
    [InlineData("""{"from":"2030-01-01","to":"2030-02-01"}""", "from")]
    [InlineData("""{"range":"last30Days","colour":"red"}""", "colour")]
    public async Task A_bad_range_is_a_400_naming_the_field(string range, string field)
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550604");
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(range)!;
        body["rule"] = JsonSerializer.SerializeToElement(BtcDrop);

        var response = await subscriber.Client.PostAsJsonAsync("/api/preview", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Past_the_hourly_limit_it_is_429_with_retry_after_and_refused_requests_count_nothing()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550605");
        var other = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550606");

        // A refused request costs nothing: these 400s leave the whole limit.
        for (var i = 0; i < Limit + 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "never" })).StatusCode);
        }

        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" })).StatusCode);
        }

        var over = await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" });
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.NotNull(over.Headers.RetryAfter?.Delta);

        // The limit is the subscriber's own: another subscriber still previews.
        Assert.Equal(HttpStatusCode.OK, (await other.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" })).StatusCode);

        // An hour later the window has moved on.
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await subscriber.Client.PostAsJsonAsync("/api/preview", new { rule = BtcDrop, range = "last30Days" })).StatusCode);
    }

    /// <summary>
    /// From the CSV: the tick of day D (00:00:30) sees the close of D-1 against the close of D-2; an episode of
    /// "BTC -10 % in 24 h" opens when that is at or below -10 % and closes once it is back above -7.5 %. No repeats,
    /// no all-clear: one message per episode, on these days.
    /// </summary>
    internal static List<string> BtcDropDaysOfMay2022()
    {
        var expected = new List<string>();
        var firing = false;
        for (var day = new DateOnly(2022, 5, 1); day <= new DateOnly(2022, 5, 31); day = day.AddDays(1))
        {
            var change = ((History.BtcClose(day.AddDays(-1)) / History.BtcClose(day.AddDays(-2))) - 1) * 100;
            if (change <= -10 && !firing)
            {
                expected.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                firing = true;
            }
            else if (firing && change > -10 * RuleEvaluator.ChangeRecovery)
            {
                firing = false;
            }
        }

        return expected;
    }

    private static DateOnly Day(JsonElement preview, string name) =>
        DateOnly.ParseExact(preview.GetProperty(name).GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
