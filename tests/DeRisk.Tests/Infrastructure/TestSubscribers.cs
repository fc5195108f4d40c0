using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Infrastructure;

/// <summary>A subscriber a test acts as: their id, their bearer token and a client that sends it.</summary>
public sealed record TestSubscriber(string Id, string Token, HttpClient Client);

public static partial class TestSubscribers
{
    /// <summary>
    /// A confirmed subscriber written straight through the stores (delivery tests do not want confirmation SMS in
    /// their sink), with their addresses claimed as sign-up would.
    /// </summary>
    public static async Task<string> SeedAsync(IServiceProvider services, string phone, string? email = null)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var id = RowKeys.NewId(time);
        var subscriber = new Subscriber(id, phone, ChannelState.Active, email, email is null ? ChannelState.None : ChannelState.Active, time.GetUtcNow());
        Assert.True(await services.GetRequiredService<SubscriberStore>().TryCreateAsync(subscriber, default));
        var contacts = services.GetRequiredService<ContactStore>();
        await contacts.ClaimAsync(Notification.SmsChannel, phone, id, default);
        if (email is not null)
        {
            await contacts.ClaimAsync(Notification.EmailChannel, email, id, default);
        }

        return id;
    }

    /// <summary>A seeded subscriber with a token, and a client of the host that sends it.</summary>
    public static async Task<TestSubscriber> SeedWithTokenAsync(LocalHostFactory host, string phone, string? email = null)
    {
        var id = await SeedAsync(host.Services, phone, email);
        var token = await host.Services.GetRequiredService<TokenStore>().IssueAsync(id, host.Time.GetUtcNow(), default);
        return new TestSubscriber(id, token, ClientWith(host, token));
    }

    /// <summary>The real flow over HTTP: sign up, read the code from the SMS the Twilio sink took, confirm.</summary>
    public static async Task<TestSubscriber> SignUpAsync(LocalHostFactory host, TwilioSink sink, string phone, object? extra = null, string client = "203.0.113.1")
    {
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        var body = JsonSerializer.SerializeToElement(extra ?? new { });
        var fields = body.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        fields["phone"] = phone;
        var signUp = await http.PostAsJsonAsync("/api/subscribers", fields);
        Assert.Equal(HttpStatusCode.Accepted, signUp.StatusCode);

        var confirm = await http.PostAsJsonAsync("/api/subscribers/confirm", new { phone, code = LastCode(sink, phone) });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        using var json = JsonDocument.Parse(await confirm.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("token").GetString()!;
        return new TestSubscriber(json.RootElement.GetProperty("subscriberId").GetString()!, token, ClientWith(host, token));
    }

    /// <summary>The subscriber a live sign-up code for the address was issued for (a pending sign-up claims nothing).</summary>
    public static async Task<string> PendingIdAsync(IServiceProvider services, string channel, string address)
    {
        var row = await services.GetRequiredService<DeRiskTables>().Contacts.GetEntityAsync<Azure.Data.Tables.TableEntity>(ContactStore.Key(channel, address), "code");
        return row.Value.GetString("SubscriberId");
    }

    /// <summary>The code in the newest confirmation SMS the sink took for this number.</summary>
    public static string LastCode(TwilioSink sink, string phone)
    {
        var message = sink.Messages.Where(m => m.To == phone && m.Body.StartsWith("DeRisk code:", StringComparison.Ordinal)).OrderBy(m => m.CreatedAt).Last();
        return CodePattern().Match(message.Body).Groups[1].Value;
    }

    public static HttpClient ClientWith(LocalHostFactory host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [GeneratedRegex(@"DeRisk code: (\d{6})\.")]
    private static partial Regex CodePattern();
}
