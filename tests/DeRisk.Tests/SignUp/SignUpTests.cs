using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeRisk.Delivery;
using DeRisk.Rules;
using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.SignUp;

/// <summary>Double opt-in over real HTTP on the local host with Azurite: codes by SMS and email, tokens, limits.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SignUpTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private HttpClient Client(string address = "198.51.100.7")
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    [Fact]
    public async Task Sign_up_sends_a_code_and_confirming_it_activates_sms_and_returns_a_working_token()
    {
        var client = Client();
        var signUp = await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550130", timeZone = "Europe/Berlin", quietHours = new { start = "22:30", end = "07:00" }, dailyCap = 4 });

        Assert.Equal(HttpStatusCode.Accepted, signUp.StatusCode);
        var accepted = await Json(signUp);
        Assert.Equal("sms", accepted.GetProperty("channels")[0].GetString());
        Assert.Equal(Time.GetUtcNow().AddMinutes(10), accepted.GetProperty("expiresAt").GetDateTimeOffset());
        var sms = Assert.Single(Sink.Messages);
        Assert.Matches(@"^DeRisk code: \d{6}\. It expires in 10 minutes\.", sms.Body);

        var wrong = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550130", code = OtherThan(TestSubscribers.LastCode(Sink, "+14155550130")) });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.StartsWith("Wrong or expired code.", (await Json(wrong)).GetProperty("errors").GetProperty("code")[0].GetString(), StringComparison.Ordinal);

        var confirm = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550130", code = TestSubscribers.LastCode(Sink, "+14155550130") });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var token = (await Json(confirm)).GetProperty("token").GetString()!;

        var me = await Json(await TestSubscribers.ClientWith(Host, token).GetAsync("/api/me"));
        Assert.Equal(("+14155550130", "active", "none"), (me.GetProperty("phone").GetString(), me.GetProperty("smsState").GetString(), me.GetProperty("emailState").GetString()));
        Assert.Equal(("Europe/Berlin", "22:30", 4), (me.GetProperty("timeZone").GetString(), me.GetProperty("quietHours").GetProperty("start").GetString(), me.GetProperty("dailyCap").GetInt32()));
    }

    [Fact]
    public async Task A_code_is_single_use_expires_after_ten_minutes_and_dies_after_five_wrong_tries()
    {
        var client = Client();
        await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550131" });
        var code = TestSubscribers.LastCode(Sink, "+14155550131");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550131", code })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550131", code })).StatusCode);

        await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550132" });
        Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var late = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550132", code = TestSubscribers.LastCode(Sink, "+14155550132") });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);

        await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550133" });
        var right = TestSubscribers.LastCode(Sink, "+14155550133");
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550133", code = OtherThan(right) });
        }

        var afterFive = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550133", code = right });
        Assert.Equal(HttpStatusCode.BadRequest, afterFive.StatusCode);
        Assert.StartsWith("Wrong or expired code.", (await Json(afterFive)).GetProperty("errors").GetProperty("code")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codes_and_tokens_are_stored_only_as_hashes()
    {
        var subscriber = await TestSubscribers.SignUpAsync(Host, Sink, "+14155550134");
        await Client().PostAsJsonAsync("/api/subscribers", new { phone = "+14155550134" });
        var pendingCode = TestSubscribers.LastCode(Sink, "+14155550134");

        var everything = await TableSnapshot.TakeAsync(Host.Services);

        Assert.DoesNotContain(subscriber.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(subscriber.Token[37..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("=" + pendingCode, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_sign_up_sends_the_code_by_email_and_confirms_the_email_channel()
    {
        var client = Client();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { email = "Erin@Example.COM" })).StatusCode);

        var mail = Assert.Single(Mail.Emails);
        Assert.Equal(("Erin@example.com", "Your DeRisk confirmation code"), (mail.To, mail.Subject));
        var code = System.Text.RegularExpressions.Regex.Match(mail.Text, @"\d{6}").Value;
        var confirm = await client.PostAsJsonAsync("/api/subscribers/confirm", new { email = "erin@example.com", code });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var me = await Json(await TestSubscribers.ClientWith(Host, (await Json(confirm)).GetProperty("token").GetString()!).GetAsync("/api/me"));
        Assert.Equal(("active", "none"), (me.GetProperty("emailState").GetString(), me.GetProperty("smsState").GetString()));
        Assert.Empty(Sink.Messages);
    }

    [Fact]
    public async Task Signing_up_again_with_a_known_number_changes_nothing_until_confirmed_and_then_signs_in()
    {
        var first = await TestSubscribers.SignUpAsync(Host, Sink, "+14155550135", new { timeZone = "Asia/Tokyo" });

        var again = await Client("192.0.2.99").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550135", timeZone = "UTC", dailyCap = 1 });
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var me = await Json(await first.Client.GetAsync("/api/me"));
        Assert.Equal(("Asia/Tokyo", 10, "active"), (me.GetProperty("timeZone").GetString(), me.GetProperty("dailyCap").GetInt32(), me.GetProperty("smsState").GetString()));

        var confirm = await Client("192.0.2.99").PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550135", code = TestSubscribers.LastCode(Sink, "+14155550135") });
        Assert.Equal(first.Id, (await Json(confirm)).GetProperty("subscriberId").GetString());
    }

    [Fact]
    public async Task Someone_who_knows_a_number_cannot_change_its_email_and_the_owner_replaces_it_with_their_token()
    {
        var owner = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550190", "ivan@example.com");

        // A stranger with the owner's number and their own email: the owner's profile does not change, and the
        // stranger's email code is not the owner's.
        Assert.Equal(HttpStatusCode.Accepted, (await Client("192.0.2.50").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550190", email = "mallory@example.com" })).StatusCode);
        var strangerCode = System.Text.RegularExpressions.Regex.Match(Mail.Emails.Last(e => e.To == "mallory@example.com").Text, @"\d{6}").Value;
        var stranger = await Client("192.0.2.50").PostAsJsonAsync("/api/subscribers/confirm", new { email = "mallory@example.com", code = strangerCode });
        Assert.NotEqual(owner.Id, (await Json(stranger)).GetProperty("subscriberId").GetString());
        var me = await Json(await owner.Client.GetAsync("/api/me"));
        Assert.Equal(("ivan@example.com", "active"), (me.GetProperty("email").GetString(), me.GetProperty("emailState").GetString()));

        // The owner asks for a new email with their token and confirms it with the token: it replaces the old one, which is forgotten.
        Assert.Equal(HttpStatusCode.Accepted, (await owner.Client.PostAsJsonAsync("/api/me/channels", new { email = "ivan@example.org" })).StatusCode);
        var code = System.Text.RegularExpressions.Regex.Match(Mail.Emails.Last(e => e.To == "ivan@example.org").Text, @"\d{6}").Value;
        Assert.Equal(HttpStatusCode.BadRequest, (await Client().PostAsJsonAsync("/api/subscribers/confirm", new { email = "ivan@example.org", code })).StatusCode);
        var confirm = await owner.Client.PostAsJsonAsync("/api/me/channels/confirm", new { email = "ivan@example.org", code });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        me = await Json(confirm);
        Assert.Equal(("ivan@example.org", "active"), (me.GetProperty("email").GetString(), me.GetProperty("emailState").GetString()));
        var contacts = Host.Services.GetRequiredService<DeRisk.SignUp.ContactStore>();
        Assert.Null(await contacts.OwnerAsync(Notification.EmailChannel, "ivan@example.com", default));
        Assert.Equal(owner.Id, await contacts.OwnerAsync(Notification.EmailChannel, "ivan@example.org", default));
    }

    [Fact]
    public async Task A_number_gets_at_most_three_codes_a_day_and_a_client_at_most_ten_sign_ups_an_hour()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Client($"198.51.100.{i + 20}").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550136" })).StatusCode);
        }

        var fourth = await Client("198.51.100.30").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550136" });
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("application/problem+json", fourth.Content.Headers.ContentType!.MediaType);
        Assert.True(fourth.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal(3, Sink.Messages.Count(m => m.To == "+14155550136"));

        var pump = Client("203.0.113.66");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await pump.PostAsJsonAsync("/api/subscribers", new { phone = $"+1415555{(200 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await pump.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550299" })).StatusCode);
        Assert.DoesNotContain(Sink.Messages, m => m.To == "+14155550299");

        // A day later the number may be sent codes again.
        Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.Accepted, (await Client("198.51.100.31").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550136" })).StatusCode);
    }

    [Fact]
    public async Task No_notification_is_ever_queued_for_an_unconfirmed_channel()
    {
        // Signed up, never confirmed: a rule that fires today still queues nothing.
        await Client().PostAsJsonAsync("/api/subscribers", new { phone = "+14155550137" });
        var pendingId = await TestSubscribers.PendingIdAsync(Host.Services, Notification.SmsChannel, "+14155550137");
        await AddDepegRuleAsync(pendingId);

        // Phone confirmed, email not: SMS only.
        await Client().PostAsJsonAsync("/api/subscribers", new { phone = "+14155550138", email = "frank@example.com" });
        var halfway = await Client().PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550138", code = TestSubscribers.LastCode(Sink, "+14155550138") });
        var halfwayId = (await Json(halfway)).GetProperty("subscriberId").GetString()!;
        await AddDepegRuleAsync(halfwayId);

        // Both confirmed: one copy per channel.
        var both = await TestSubscribers.SeedAsync(Host.Services, "+14155550139", "grace@example.com");
        await AddDepegRuleAsync(both);

        var result = await Host.Services.GetRequiredService<MarketTick>().RunAsync(default);
        var queued = await Host.Services.GetRequiredService<INotificationQueue>().ReceiveAsync(32, TimeSpan.FromMinutes(1), default);

        Assert.Equal(3, result.Evaluation.Fired);
        var targets = queued.Select(m => Notification.FromBinary(m.Body)!).Select(n => (n.SubscriberId, n.Channel)).Order().ToList();
        Assert.Equal(new[] { (both, "email"), (both, "sms"), (halfwayId, "sms") }.Order(), targets);
    }

    private async Task AddDepegRuleAsync(string subscriberId) =>
        Assert.Equal(RuleWrite.Done, await Host.Services.GetRequiredService<SubscriberStore>().TryAddRuleAsync(subscriberId, new StoredRule(RowKeys.NewId(Time), new DepegRule("UST", 3), Time.GetUtcNow()), default));

    private static string OtherThan(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
