using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Api;

/// <summary>
/// Every /api/me route with no token, a malformed token, an unknown token, a revoked token (401 with
/// WWW-Authenticate each time, nothing changed) and another subscriber's token (404 on A's rule, never A's data).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuthorizationMatrixTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string RuleBody = """{"kind":"depeg","asset":"UST","percent":3}""";

    /// <summary>Method, route ({rule} is the owner's rule id), body.</summary>
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "GET", "/api/me", null },
        { "PATCH", "/api/me", """{"dailyCap":2}""" },
        { "DELETE", "/api/me", null },
        { "GET", "/api/me/rules", null },
        { "POST", "/api/me/rules", RuleBody },
        { "GET", "/api/me/rules/{rule}", null },
        { "PUT", "/api/me/rules/{rule}", RuleBody },
        { "DELETE", "/api/me/rules/{rule}", null },
        { "POST", "/api/me/rules/{rule}/test", null },
        { "GET", "/api/me/alerts", null },
        { "POST", "/api/me/tokens/revoke", null },
        { "POST", "/api/me/channels", """{"phone":"+14155550152"}""" },
        { "POST", "/api/me/channels/confirm", """{"phone":"+14155550152","code":"123456"}""" },
        { "DELETE", "/api/me/channels/sms", null },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_valid_token_every_route_is_401_with_a_bearer_challenge_and_changes_nothing(string method, string route, string? body)
    {
        var owner = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550150");
        var ruleId = await AddRuleAsync(owner);
        var revoked = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550151");
        Assert.Equal(HttpStatusCode.NoContent, (await revoked.Client.PostAsync("/api/me/tokens/revoke", null)).StatusCode);
        var before = await TableSnapshot.TakeAsync(Host.Services);

        var unknownToken = "drk_" + owner.Id + "_" + new string('A', 43);
        foreach (var (authorization, error) in new (string?, string?)[]
                 {
                     (null, null),
                     ("Basic dXNlcjpwYXNz", "invalid_request"),
                     ("Bearer not-a-token", "invalid_token"),
                     ("Bearer " + unknownToken, "invalid_token"),
                     ("Bearer " + revoked.Token, "invalid_token"),
                 })
        {
            using var request = Request(method, route.Replace("{rule}", ruleId, StringComparison.Ordinal), body);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            var response = await Host.CreateClient().SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains("realm=\"derisk\"", challenge.Parameter, StringComparison.Ordinal);
            if (error is not null)
            {
                Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
            }
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Another_subscribers_token_never_reaches_the_owners_data(string method, string route, string? body)
    {
        var owner = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550152");
        var ruleId = await AddRuleAsync(owner);
        var intruder = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550153", "intruder@example.com");
        var ownerRows = (await TableSnapshot.TakeAsync(Host.Services)).Split('\n').Where(l => l.Contains(owner.Id, StringComparison.Ordinal)).ToList();

        using var request = Request(method, route.Replace("{rule}", ruleId, StringComparison.Ordinal), body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", intruder.Token);
        var response = await Host.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        if (route.Contains("{rule}", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        else if (route.EndsWith("/confirm", StringComparison.Ordinal))
        {
            // A code for the owner's number is no code for anyone else.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        else
        {
            // These routes act on the caller's own data only (asking for a code to the owner's number included: the
            // code would be the intruder's, and only the number's holder could read it).
            Assert.True(response.IsSuccessStatusCode, $"{method} {route}: {(int)response.StatusCode} {text}");
        }

        Assert.DoesNotContain(owner.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ruleId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("+14155550152", text, StringComparison.Ordinal);
        var ownerRowsAfter = (await TableSnapshot.TakeAsync(Host.Services)).Split('\n').Where(l => l.Contains(owner.Id, StringComparison.Ordinal)).ToList();
        Assert.Equal(ownerRows, ownerRowsAfter);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/me/rules/{ruleId}")).StatusCode);
    }

    [Fact]
    public async Task Revoking_all_tokens_ends_every_session_of_the_subscriber()
    {
        var first = await TestSubscribers.SignUpAsync(Host, Sink, "+14155550154");
        var second = await TestSubscribers.SignUpAsync(Host, Sink, "+14155550154", client: "203.0.113.2");
        Assert.Equal(first.Id, second.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await first.Client.PostAsync("/api/me/tokens/revoke?all=true", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.Client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client.GetAsync("/api/me")).StatusCode);
    }

    private static async Task<string> AddRuleAsync(TestSubscriber owner)
    {
        var response = await owner.Client.PostAsync("/api/me/rules", new StringContent(RuleBody, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static HttpRequestMessage Request(string method, string route, string? body) =>
        new(new HttpMethod(method), route) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
}
