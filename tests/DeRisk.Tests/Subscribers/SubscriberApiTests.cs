using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using DeRisk.Storage;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Subscribers;

/// <summary>The subscriber API over HTTP on the local host, on Azurite. Bad input is a problem, field by field, and writes nothing.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubscriberApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private LocalHostFactory _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = new LocalHostFactory(azurite, new FakeTimeProvider(new DateTimeOffset(2022, 5, 1, 0, 0, 0, TimeSpan.Zero)), new Uri("http://127.0.0.1:9/"));
        _client = _host.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Sign_up_normalises_the_number_and_the_subscriber_reads_back_with_its_rules()
    {
        var created = await _client.PostAsJsonAsync("/api/subscribers", new { phone = " +442071838750 " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscriber = await ReadJsonAsync(created);
        var id = subscriber.GetProperty("id").GetString()!;
        Assert.Equal($"/api/subscribers/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("+442071838750", subscriber.GetProperty("phone").GetString());

        var rule = await _client.PostAsJsonAsync($"/api/subscribers/{id}/rules", new { kind = "priceChange", asset = "btc", direction = "drop", percent = 12.5, window = "7d" });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);

        var read = await _client.GetAsync($"/api/subscribers/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var rules = (await ReadJsonAsync(read)).GetProperty("rules");
        var stored = Assert.Single(rules.EnumerateArray()).GetProperty("rule");
        Assert.Equal("priceChange", stored.GetProperty("kind").GetString());
        Assert.Equal("BTC", stored.GetProperty("asset").GetString());
        Assert.Equal("drop", stored.GetProperty("direction").GetString());
        Assert.Equal(12.5, stored.GetProperty("percent").GetDouble());
        Assert.Equal("7d", stored.GetProperty("window").GetString());
    }

    [Fact]
    public async Task Sign_up_keeps_the_time_zone_quiet_hours_and_daily_cap()
    {
        var created = await _client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550104", timeZone = "Europe/Berlin", quietHours = new { start = "22:30", end = "07:00" }, dailyCap = 4 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ReadJsonAsync(created)).GetProperty("id").GetString()!;

        var read = await ReadJsonAsync(await _client.GetAsync($"/api/subscribers/{id}"));

        Assert.Equal("Europe/Berlin", read.GetProperty("timeZone").GetString());
        Assert.Equal(("22:30", "07:00"), (read.GetProperty("quietHours").GetProperty("start").GetString(), read.GetProperty("quietHours").GetProperty("end").GetString()));
        Assert.Equal(4, read.GetProperty("dailyCap").GetInt32());
    }

    public static TheoryData<string, string> BadSignUps => new()
    {
        { """{"phone":"4155550100"}""", "phone" },
        { """{"phone":"+1415555"}""", "phone" },
        { """{"phone":"+999123456789"}""", "phone" },
        { """{"phone":"+1 (415) 555-0100"}""", "phone" },
        { """{"phone":12345}""", "phone" },
        { """{"phone":""}""", "phone" },
        { """{}""", "phone" },
        { """{"phone":"+14155550100","admin":true}""", "admin" },
        { """{"phone":"+14155550100'; DROP TABLE Subscribers;--"}""", "phone" },
        { """[1,2,3]""", "$" },
        { """{"phone":"+1415555010""", "$" },
        { """{"phone":"+14155550100","timeZone":"Mars/Olympus_Mons"}""", "timeZone" },
        { """{"phone":"+14155550100","timeZone":42}""", "timeZone" },
        { """{"phone":"+14155550100","quietHours":{"start":"22:00"}}""", "quietHours.end" },
        { """{"phone":"+14155550100","quietHours":{"start":"25:00","end":"07:00"}}""", "quietHours.start" },
        { """{"phone":"+14155550100","quietHours":{"start":"07:00","end":"07:00"}}""", "quietHours.end" },
        { """{"phone":"+14155550100","quietHours":"nights"}""", "quietHours" },
        { """{"phone":"+14155550100","dailyCap":0}""", "dailyCap" },
        { """{"phone":"+14155550100","dailyCap":1000}""", "dailyCap" },
        { """{"phone":"+14155550100","dailyCap":2.5}""", "dailyCap" },
    };

    [Theory]
    [MemberData(nameof(BadSignUps))]
    public async Task Bad_sign_up_is_a_validation_problem_naming_the_field_and_writes_nothing(string body, string field)
    {
        var before = await SubscriberRowsAsync();

        var response = await _client.PostAsync("/api/subscribers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await SubscriberRowsAsync());
    }

    [Fact]
    public async Task Sign_up_that_is_not_json_is_415_and_a_huge_body_is_413()
    {
        var before = await SubscriberRowsAsync();

        var text = await _client.PostAsync("/api/subscribers", new StringContent("phone=+14155550100", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var huge = await _client.PostAsync("/api/subscribers", new StringContent($$"""{"phone":"{{new string('1', 20_000)}}"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, await SubscriberRowsAsync());
    }

    public static TheoryData<string, string[]> BadRules => new()
    {
        { """{"kind":"moonshot","asset":"BTC"}""", ["kind"] },
        { """{"asset":"BTC","direction":"drop","percent":10,"window":"24h"}""", ["kind"] },
        { """{"kind":"priceChange"}""", ["asset", "direction", "percent", "window"] },
        { """{"kind":"priceChange","asset":"DOGE","direction":"drop","percent":10,"window":"24h"}""", ["asset"] },
        { """{"kind":"priceChange","asset":"FNG","direction":"drop","percent":10,"window":"24h"}""", ["asset"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"sideways","percent":10,"window":"24h"}""", ["direction"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":"10","window":"24h"}""", ["percent"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":0,"window":"24h"}""", ["percent"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":150,"window":"24h"}""", ["percent"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"3d"}""", ["window"] },
        { """{"kind":"priceChange","asset":"BTC","direction":"drop","percnt":10,"window":"24h"}""", ["percent", "percnt"] },
        { """{"kind":"priceChange","asset":42,"direction":null,"percent":10,"window":"24h"}""", ["asset", "direction"] },
        { "\"priceChange\"", ["$"] },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task Bad_rule_is_a_validation_problem_field_by_field_and_writes_nothing(string body, string[] fields)
    {
        var id = await May2022ReplayHelpers.CreateSubscriberAsync(_client, "+14155550102");
        var before = await SubscriberRowsAsync();

        var response = await _client.PostAsync($"/api/subscribers/{id}/rules", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadJsonAsync(response)).GetProperty("errors");
        Assert.Equal(fields.Order(), errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(before, await SubscriberRowsAsync());
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData("x' or PartitionKey ne '")]
    public async Task Unknown_subscriber_is_a_404_problem(string id)
    {
        var escaped = Uri.EscapeDataString(id);
        var read = await _client.GetAsync($"/api/subscribers/{escaped}");
        var rule = await _client.PostAsJsonAsync($"/api/subscribers/{escaped}/rules", new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, rule.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType!.MediaType);
    }

    private async Task<string> SubscriberRowsAsync()
    {
        var tables = _host.Services.GetRequiredService<DeRiskTables>();
        var rows = new List<string>();
        await foreach (var row in tables.Subscribers.QueryAsync<TableEntity>())
        {
            rows.Add(row.PartitionKey + "/" + row.RowKey + "/" + row.ETag);
        }

        return string.Join('\n', rows.Order(StringComparer.Ordinal));
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}

internal static class May2022ReplayHelpers
{
    public static Task<string> CreateSubscriberAsync(HttpClient client, string phone) =>
        EndToEnd.May2022ReplayTests.CreateSubscriberAsync(client, phone);
}
