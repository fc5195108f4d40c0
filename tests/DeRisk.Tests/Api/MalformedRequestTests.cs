using System.Text;
using System.Text.Json;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Api;

/// <summary>
/// Malformed requests of every kind against every endpoint that takes input: each is answered 400, 413 or 415 with
/// problem details naming what is wrong, and every table is byte-for-byte (row, property, ETag) unchanged afterwards.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MalformedRequestTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string Json = "application/json";
    private const string Injection = "'; DROP TABLE Subscribers;-- <script>alert(1)</script> ${jndi:ldap://x} PartitionKey ne '";

    private static readonly string Huge = $$"""{"phone":"{{new string('1', 20_000)}}"}""";
    private static readonly string HugeRule = $$"""{"kind":"depeg","asset":"UST","percent":3,"pad":"{{new string('x', 17_000)}}"}""";

    /// <summary>Method, path ({rule}: an existing rule of the caller), content type, body, expected status, a field the problem must name (or null).</summary>
    public static TheoryData<string, string, string, string, int, string?> Cases => new()
    {
        // Sign-up: bad JSON, wrong types, out of range, bad E.164, unknown fields, injection in every field.
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100""", 400, "$" },
        { "POST", "/api/subscribers", Json, "", 400, "$" },
        { "POST", "/api/subscribers", Json, "null", 400, "$" },
        { "POST", "/api/subscribers", Json, "[1,2,3]", 400, "$" },
        { "POST", "/api/subscribers", Json, "\"+14155550100\"", 400, "$" },
        { "POST", "/api/subscribers", Json, "{}", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":"4155550100"}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+1415555"}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+999123456789"}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+1 (415) 555-0100"}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+442071838750"}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":14155550100}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":["+14155550100"]}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"phone":""}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, $$"""{"phone":{{JsonSerializer.Serialize(Injection)}}}""", 400, "phone" },
        { "POST", "/api/subscribers", Json, """{"email":"not-an-email"}""", 400, "email" },
        { "POST", "/api/subscribers", Json, """{"email":"Alice <alice@example.com>"}""", 400, "email" },
        { "POST", "/api/subscribers", Json, """{"email":"alice@localhost"}""", 400, "email" },
        { "POST", "/api/subscribers", Json, $$"""{"email":"{{new string('a', 250)}}@example.com"}""", 400, "email" },
        { "POST", "/api/subscribers", Json, $$"""{"email":{{JsonSerializer.Serialize(Injection + "@example.com")}}}""", 400, "email" },
        { "POST", "/api/subscribers", Json, """{"email":true}""", 400, "email" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","admin":true}""", 400, "admin" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","timeZone":"Mars/Olympus_Mons"}""", 400, "timeZone" },
        { "POST", "/api/subscribers", Json, $$"""{"phone":"+14155550100","timeZone":{{JsonSerializer.Serialize(Injection)}}}""", 400, "timeZone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","timeZone":42}""", 400, "timeZone" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","quietHours":{"start":"22:00"}}""", 400, "quietHours.end" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","quietHours":{"start":"25:00","end":"07:00"}}""", 400, "quietHours.start" },
        { "POST", "/api/subscribers", Json, "{\"phone\":\"+14155550100\",\"quietHours\":{\"start\":" + JsonSerializer.Serialize(Injection) + ",\"end\":\"07:00\"}}", 400, "quietHours.start" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","quietHours":{"start":"07:00","end":"07:00"}}""", 400, "quietHours.end" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","quietHours":"nights"}""", 400, "quietHours" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","dailyCap":0}""", 400, "dailyCap" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","dailyCap":1000}""", 400, "dailyCap" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","dailyCap":2.5}""", 400, "dailyCap" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","dailyCap":"5"}""", 400, "dailyCap" },
        { "POST", "/api/subscribers", Json, """{"phone":"+14155550100","dailyCap":1e400}""", 400, "dailyCap" },
        { "POST", "/api/subscribers", Json, Huge, 413, null },
        { "POST", "/api/subscribers", "application/x-www-form-urlencoded", "phone=%2B14155550100", 415, null },
        { "POST", "/api/subscribers", "text/plain", """{"phone":"+14155550100"}""", 415, null },

        // Confirm.
        { "POST", "/api/subscribers/confirm", Json, """{"phone":"+14155550100"}""", 400, "code" },
        { "POST", "/api/subscribers/confirm", Json, """{"phone":"+14155550100","code":"12345"}""", 400, "code" },
        { "POST", "/api/subscribers/confirm", Json, """{"phone":"+14155550100","code":123456}""", 400, "code" },
        { "POST", "/api/subscribers/confirm", Json, $$"""{"phone":"+14155550100","code":{{JsonSerializer.Serialize(Injection)}}}""", 400, "code" },
        { "POST", "/api/subscribers/confirm", Json, """{"code":"123456"}""", 400, "phone" },
        { "POST", "/api/subscribers/confirm", Json, """{"phone":"+14155550100","email":"a@example.com","code":"123456"}""", 400, "email" },
        { "POST", "/api/subscribers/confirm", Json, """{"phone":"+14155550100","code":"123456","token":"x"}""", 400, "token" },
        { "POST", "/api/subscribers/confirm", Json, "{", 400, "$" },

        // Profile patch.
        { "PATCH", "/api/me", Json, """{"dailyCap":-1}""", 400, "dailyCap" },
        { "PATCH", "/api/me", Json, """{"timeZone":"Europe/Atlantis"}""", 400, "timeZone" },
        { "PATCH", "/api/me", Json, """{"phone":"+14155550199"}""", 400, "phone" },
        { "PATCH", "/api/me", Json, """{"id":"0123456789abcdef0123456789abcdef"}""", 400, "id" },
        { "PATCH", "/api/me", Json, """{"quietHours":{"start":"22:00","end":"07:00","days":"weekends"}}""", 400, "quietHours.days" },
        { "PATCH", "/api/me", Json, "[]", 400, "$" },
        { "PATCH", "/api/me", "text/xml", "<me/>", 415, null },

        // Rules: unknown kinds, missing and wrong fields, out of range, injection, huge.
        { "POST", "/api/me/rules", Json, """{"kind":"moonshot","asset":"BTC"}""", 400, "kind" },
        { "POST", "/api/me/rules", Json, $$"""{"kind":{{JsonSerializer.Serialize(Injection)}}}""", 400, "kind" },
        { "POST", "/api/me/rules", Json, """{"asset":"BTC","direction":"drop","percent":10,"window":"24h"}""", 400, "kind" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange"}""", 400, "asset" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"DOGE","direction":"drop","percent":10,"window":"24h"}""", 400, "asset" },
        { "POST", "/api/me/rules", Json, $$"""{"kind":"priceChange","asset":{{JsonSerializer.Serialize(Injection)}},"direction":"drop","percent":10,"window":"24h"}""", 400, "asset" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"BTC","direction":"sideways","percent":10,"window":"24h"}""", 400, "direction" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":"10","window":"24h"}""", 400, "percent" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":0,"window":"24h"}""", 400, "percent" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":150,"window":"24h"}""", 400, "percent" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"3d"}""", 400, "window" },
        { "POST", "/api/me/rules", Json, """{"kind":"priceLevel","asset":"BTC","comparison":"below","price":-5}""", 400, "price" },
        { "POST", "/api/me/rules", Json, """{"kind":"sentiment","comparison":"atOrBelow","value":101}""", 400, "comparison" },
        { "POST", "/api/me/rules", Json, """{"kind":"depeg","asset":"BTC","percent":3}""", 400, "asset" },
        { "POST", "/api/me/rules", Json, """{"kind":"drawdown","asset":"BTC","percent":20,"days":366}""", 400, "days" },
        { "POST", "/api/me/rules", Json, """{"kind":"allOf","rules":[]}""", 400, "rules" },
        { "POST", "/api/me/rules", Json, "\"priceChange\"", 400, "$" },
        { "POST", "/api/me/rules", Json, HugeRule, 413, null },
        { "POST", "/api/me/rules", "application/x-www-form-urlencoded", "kind=depeg", 415, null },
        { "PUT", "/api/me/rules/{rule}", Json, """{"kind":"depeg","asset":"UST","percent":"three"}""", 400, "percent" },
        { "PUT", "/api/me/rules/{rule}", Json, """{"kind":"depeg","asset":"UST","percent":3,"owner":"someone-else"}""", 400, "owner" },
        { "PUT", "/api/me/rules/{rule}", Json, "{]", 400, "$" },

        // Query parameters and webhooks.
        { "POST", "/api/me/tokens/revoke?all=maybe", Json, "", 400, "all" },
        { "GET", "/api/ops/subscribers?pageSize=0", Json, "", 400, "pageSize" },
        { "GET", "/api/ops/subscribers?pageSize=" + Uri.EscapeDataString(Injection), Json, "", 400, "pageSize" },
        { "GET", "/api/ops/subscribers?continuation=" + Uri.EscapeDataString(Injection), Json, "", 400, "continuation" },
        { "POST", "/api/twilio/inbound", Json, """{"Body":"STOP"}""", 415, null },
        { "POST", "/api/twilio/status", Json, """{"MessageStatus":"delivered"}""", 415, null },
    };

    [Fact]
    public void There_are_at_least_fifty_cases() => Assert.True(Cases.Count >= 50, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_request_is_a_problem_and_changes_no_table(string method, string path, string contentType, string body, int status, string? field)
    {
        var me = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550160", "heidi@example.com");
        var rule = await me.Client.PostAsync("/api/me/rules", new StringContent("""{"kind":"depeg","asset":"UST","percent":3}""", Encoding.UTF8, Json));
        var ruleId = JsonDocument.Parse(await rule.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var before = await TableSnapshot.TakeAsync(Host.Services);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{rule}", ruleId, StringComparison.Ordinal));
        if (method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        request.Headers.Add("x-functions-key", LocalHostFactory.FunctionKey);
        var response = await me.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode == status, $"{method} {path}: expected {status}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{method} {path}: no error for '{field}' in {text}");
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
        Assert.Empty(Sink.Messages);
        Assert.Empty(Mail.Emails);
    }
}
