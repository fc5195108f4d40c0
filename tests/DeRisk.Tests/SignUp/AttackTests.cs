using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeRisk.Delivery;
using DeRisk.SignUp;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.SignUp;

/// <summary>
/// The attacks of the account-security review, each played against the local host on real Kestrel (real HTTP on
/// 127.0.0.1, as a client on the network would send it) with Azurite: each must fail, and the tables must not change
/// where nothing should.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class AttackTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string InboundUrl = "https://derisk.example.net/api/twilio/inbound";
    private const int SmsCeiling = 40;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Twilio:InboundUrl"] = InboundUrl,
        ["Access:SmsCodesPerHour"] = SmsCeiling.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override Task OnStartedAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
        return Task.CompletedTask;
    }

    /// <summary>A client behind the trusted front end, which appends <paramref name="address"/> to whatever X-Forwarded-For the client wrote.</summary>
    private HttpClient Client(string address = "198.51.100.7", string? token = null, string? spoofed = null)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", spoofed is null ? address : spoofed + ", " + address);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    [Fact]
    public async Task Finding_1_a_victims_confirmed_phone_and_the_attackers_email_never_reach_the_victims_account()
    {
        var victim = await SignUpBySmsAsync("+14155550401");
        Assert.Equal(HttpStatusCode.Created, (await Client(token: victim.Token).PostAsJsonAsync("/api/me/rules", new { kind = "depeg", asset = "UST", percent = 3 })).StatusCode);
        var victimRows = await RowsOfAsync(victim.Id);

        var attacker = Client("203.0.113.66");
        Assert.Equal(HttpStatusCode.Accepted, (await attacker.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550401", email = "attacker@evil.example" })).StatusCode);
        var confirm = await attacker.PostAsJsonAsync("/api/subscribers/confirm", new { email = "attacker@evil.example", code = EmailCode("attacker@evil.example") });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var token = await Json(confirm);

        Assert.NotEqual(victim.Id, token.GetProperty("subscriberId").GetString());
        var seen = await (await Client(token: token.GetProperty("token").GetString()).GetAsync("/api/me")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("+14155550401", seen, StringComparison.Ordinal);
        Assert.DoesNotContain(victim.Id, seen, StringComparison.Ordinal);
        Assert.Equal("[]", await (await Client(token: token.GetProperty("token").GetString()).GetAsync("/api/me/rules")).Content.ReadAsStringAsync());

        // The victim's profile, rules, tokens and address ownership are exactly as they were.
        Assert.Equal(victimRows, await RowsOfAsync(victim.Id));
        Assert.Equal(victim.Id, await Contacts.OwnerAsync(Notification.SmsChannel, "+14155550401", default));
        Assert.Null(await Contacts.OwnerAsync(Notification.EmailChannel, "attacker@evil.example", default) is { } owner && owner == victim.Id ? owner : null);
    }

    [Fact]
    public async Task Finding_1_reversed_a_victims_pending_email_and_the_attackers_phone_never_replace_the_victims_phone()
    {
        // The victim signed up with phone and email and confirmed only the phone.
        var client = Client("198.51.100.8");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550402", email = "victim@example.com" })).StatusCode);
        var victimToken = await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550402", code = SmsCode("+14155550402") }));
        var victimId = victimToken.GetProperty("subscriberId").GetString()!;
        var victimRows = await RowsOfAsync(victimId);

        var attacker = Client("203.0.113.67");
        Assert.Equal(HttpStatusCode.Accepted, (await attacker.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550403", email = "victim@example.com" })).StatusCode);
        var confirm = await Json(await attacker.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550403", code = SmsCode("+14155550403") }));

        Assert.NotEqual(victimId, confirm.GetProperty("subscriberId").GetString());
        Assert.Equal(victimRows, await RowsOfAsync(victimId));
        var me = await Json(await Client(token: victimToken.GetProperty("token").GetString()).GetAsync("/api/me"));
        Assert.Equal(("+14155550402", "active"), (me.GetProperty("phone").GetString(), me.GetProperty("smsState").GetString()));
        Assert.Null(await Contacts.OwnerAsync(Notification.EmailChannel, "victim@example.com", default));
    }

    [Fact]
    public async Task Finding_1_raced_an_attackers_sign_up_naming_the_victims_number_never_puts_the_victim_in_his_account()
    {
        // The victim signs up; before they type the code, the attacker signs up with their number and his own email,
        // so the newest code on the victim's phone is one the attacker's sign-up issued.
        var victim = Client("198.51.100.9");
        var victimSignUp = await Json(await victim.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550410" }));
        var attacker = Client("203.0.113.68");
        var attackerSignUp = await Json(await attacker.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550410", email = "racer@evil.example" }));
        Assert.NotEqual(victimSignUp.GetProperty("signUpId").GetString(), attackerSignUp.GetProperty("signUpId").GetString());

        // The attacker confirms his email first; the victim's confirmation of the newest code cannot join his account.
        var attackerToken = await Json(await attacker.PostAsJsonAsync("/api/subscribers/confirm", new { email = "racer@evil.example", code = EmailCode("racer@evil.example"), signUpId = attackerSignUp.GetProperty("signUpId").GetString() }));
        var refused = await victim.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550410", code = SmsCode("+14155550410"), signUpId = victimSignUp.GetProperty("signUpId").GetString() });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var seen = await (await Client(token: attackerToken.GetProperty("token").GetString()).GetAsync("/api/me")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("+14155550410", seen, StringComparison.Ordinal);
        Assert.Null(await Contacts.OwnerAsync(Notification.SmsChannel, "+14155550410", default));

        // The other order: the victim confirms first, and the attacker's email code of that sign-up is void.
        var again = Client("203.0.113.69");
        var second = await Json(await again.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550411", email = "racer2@evil.example" }));
        var victimToken = await Json(await Client("198.51.100.10").PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550411", code = SmsCode("+14155550411") }));
        var late = await again.PostAsJsonAsync("/api/subscribers/confirm", new { email = "racer2@evil.example", code = EmailCode("racer2@evil.example"), signUpId = second.GetProperty("signUpId").GetString() });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        var me = await Json(await Client(token: victimToken.GetProperty("token").GetString()).GetAsync("/api/me"));
        Assert.Equal(("active", "pending"), (me.GetProperty("smsState").GetString(), me.GetProperty("emailState").GetString()));
        Assert.Null(await Contacts.OwnerAsync(Notification.EmailChannel, "racer2@evil.example", default));
    }

    [Fact]
    public async Task A_two_address_sign_up_confirms_both_with_its_sign_up_id()
    {
        var client = Client("198.51.100.11");
        var signUp = await Json(await client.PostAsJsonAsync("/api/subscribers", new { phone = "+14155550412", email = "both@example.com" }));
        var id = signUp.GetProperty("signUpId").GetString();

        var first = await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone = "+14155550412", code = SmsCode("+14155550412"), signUpId = id }));
        var second = await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { email = "both@example.com", code = EmailCode("both@example.com"), signUpId = id }));

        Assert.Equal(first.GetProperty("subscriberId").GetString(), second.GetProperty("subscriberId").GetString());
        var me = await Json(await Client(token: second.GetProperty("token").GetString()).GetAsync("/api/me"));
        Assert.Equal(("active", "active", "both@example.com"), (me.GetProperty("smsState").GetString(), me.GetProperty("emailState").GetString(), me.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task Finding_3_after_deleting_his_own_account_a_guess_tells_the_attacker_nothing_about_the_number()
    {
        await SignUpBySmsAsync("+14155550413");
        var answers = new List<string>();
        foreach (var (phone, i) in new[] { ("+14155550413", 0), ("+14155550414", 1) })
        {
            var client = Client($"203.0.113.{80 + i}");
            var email = $"oracle{i}@evil.example";
            var signUp = await Json(await client.PostAsJsonAsync("/api/subscribers", new { phone, email }));
            var token = await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { email, code = EmailCode(email), signUpId = signUp.GetProperty("signUpId").GetString() }));
            Assert.Equal(HttpStatusCode.NoContent, (await Client(token: token.GetProperty("token").GetString()).DeleteAsync("/api/me")).StatusCode);
            var guess = await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone, code = "000000" });
            answers.Add((int)guess.StatusCode + " " + (await Json(guess)).GetProperty("errors").GetRawText());
        }

        Assert.Equal(answers[0], answers[1]);
    }

    [Theory]
    [InlineData("""{"phone":"\ud800"}""")]
    [InlineData("""{"\udfff":1}""")]
    [InlineData("""{"email":"\u212Aate@example.com"}""")]
    [InlineData("""{"email":"k\u0000@example.com"}""")]
    public async Task Hostile_strings_are_a_400_problem_and_change_nothing(string body)
    {
        var before = await TableSnapshot.TakeAsync(Host.Services);

        var response = await Client().PostAsync("/api/subscribers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
    }

    [Fact]
    public async Task Finding_2_rotating_x_forwarded_for_gains_nothing_against_the_per_client_limits()
    {
        var accepted = 0;
        for (var i = 0; i < 30; i++)
        {
            var response = await Client("203.0.113.9", spoofed: $"10.0.{i}.1").PostAsJsonAsync("/api/subscribers", new { email = $"pump{i}@example.com" });
            accepted += response.StatusCode == HttpStatusCode.Accepted ? 1 : 0;
        }

        var confirmsAnswered = 0;
        for (var i = 0; i < 40; i++)
        {
            var response = await Client("203.0.113.9", spoofed: $"10.1.{i}.1").PostAsJsonAsync("/api/subscribers/confirm", new { email = "pump0@example.com", code = "000000" });
            confirmsAnswered += response.StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        Assert.Equal(10, accepted);
        Assert.Equal(30, confirmsAnswered);

        // Straight to the app with no trusted proxy in between, the header is not read at all.
        var direct = new LocalHostFactory(Azurite, Time, Sink.BaseAddress, new Dictionary<string, string?> { ["Access:TrustedProxyCount"] = "0" }, Mail.BaseAddress);
        await using (direct)
        {
            direct.UseKestrel(0);
            direct.StartServer();
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 11; i++)
            {
                var http = direct.CreateClient();
                http.DefaultRequestHeaders.Add("X-Forwarded-For", $"192.0.2.{i}");
                answers.Add((await http.PostAsJsonAsync("/api/subscribers", new { email = $"direct{i}@example.com" })).StatusCode);
            }

            Assert.Equal(10, answers.Count(a => a == HttpStatusCode.Accepted));
            Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        }
    }

    [Fact]
    public async Task Finding_2_a_replay_moving_market_time_fast_neither_resets_a_limit_nor_expires_a_code()
    {
        // As in the run command: market time races (a replayed day passes between requests), the wall clock does not.
        var wall = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        await using var replay = new LocalHostFactory(Azurite, Time, Sink.BaseAddress, null, Mail.BaseAddress, wall);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            var http = replay.CreateClient();
            http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.90");
            answers.Add((await http.PostAsJsonAsync("/api/subscribers", new { email = $"replay{i}@example.com" })).StatusCode);
            Time.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(10, answers.Count(a => a == HttpStatusCode.Accepted));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        var confirm = replay.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await confirm.PostAsJsonAsync("/api/subscribers/confirm", new { email = "replay0@example.com", code = EmailCode("replay0@example.com") })).StatusCode);

        wall.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.BadRequest, (await confirm.PostAsJsonAsync("/api/subscribers/confirm", new { email = "replay1@example.com", code = EmailCode("replay1@example.com") })).StatusCode);
    }

    [Theory]
    [InlineData("+2348031234567")] // Nigeria
    [InlineData("+37061234567")] // Lithuania
    [InlineData("+96171123456")] // Lebanon
    [InlineData("+881612345678")] // Iridium satellite
    [InlineData("+19005550123")] // US premium rate
    public async Task Finding_2_numbers_outside_the_sms_countries_or_not_mobile_get_no_code_and_cost_no_quota(string phone)
    {
        var before = await TableSnapshot.TakeAsync(Host.Services);

        var response = await Client().PostAsJsonAsync("/api/subscribers", new { phone });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("phone", out _));
        Assert.Empty(Sink.Messages);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
    }

    [Fact]
    public async Task Finding_2_past_the_hourly_sms_ceiling_sms_codes_are_refused_while_email_sign_up_goes_on()
    {
        for (var i = 0; i < SmsCeiling; i++)
        {
            var response = await Client($"198.51.100.{i + 10}").PostAsJsonAsync("/api/subscribers", new { phone = $"+1415555{(500 + i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var refused = await Client("192.0.2.200").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550599" });
        var email = await Client("192.0.2.200").PostAsJsonAsync("/api/subscribers", new { email = "still-works@example.com" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, email.StatusCode);
        Assert.Equal(SmsCeiling, Sink.Messages.Count);

        // The next hour the ceiling is lifted.
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Accepted, (await Client("192.0.2.201").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550599" })).StatusCode);
    }

    [Fact]
    public async Task Finding_3_sign_up_answers_the_same_whether_or_not_the_phone_is_registered()
    {
        await SignUpBySmsAsync("+14155550404");
        var attacker = await SignUpByEmailAsync("probe@evil.example");
        var attackerView = await (await Client(token: attacker).GetAsync("/api/me")).Content.ReadAsStringAsync();

        var registered = await Client("203.0.113.70").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550404", email = "probe@evil.example" });
        var unregistered = await Client("203.0.113.71").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550405", email = "probe@evil.example" });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (registered.StatusCode, unregistered.StatusCode));
        var (a, b) = (await Json(registered), await Json(unregistered));
        Assert.Equal(a.GetProperty("channels").GetRawText(), b.GetProperty("channels").GetRawText());
        Assert.Equal(Shape(a), Shape(b));

        // Both numbers got a code, and the attacker's email got one each time; their own account is unchanged.
        Assert.Single(Sink.Messages, m => m.To == "+14155550405");
        Assert.Equal(2, Sink.Messages.Count(m => m.To == "+14155550404"));
        Assert.Equal(3, Mail.Emails.Count(m => m.To == "probe@evil.example"));
        Assert.Equal(attackerView, await (await Client(token: attacker).GetAsync("/api/me")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Finding_4_a_rejected_sign_up_consumes_no_quota()
    {
        var before = await TableSnapshot.TakeAsync(Host.Services);
        for (var i = 0; i < 12; i++)
        {
            var bad = await Client("203.0.113.72").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550406", email = "quota@example.com", timeZone = "Mars/Olympus" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Client("203.0.113.72").PostAsJsonAsync("/api/subscribers", new { phone = "+14155550406", email = "quota@example.com" })).StatusCode);
        }

        Assert.Equal(3, Sink.Messages.Count(m => m.To == "+14155550406"));
    }

    [Fact]
    public async Task Finding_5_case_variants_of_one_mailbox_share_its_three_codes_a_day()
    {
        string[] variants = ["dora@example.com", "Dora@example.com", "DORA@example.com", "dora@EXAMPLE.com", "dOrA@Example.Com", "DoRa@example.COM", "dora@Example.com", "DORA@EXAMPLE.COM", "Dora@Example.Com"];
        var answers = new List<HttpStatusCode>();
        foreach (var (variant, i) in variants.Select((v, i) => (v, i)))
        {
            answers.Add((await Client($"198.51.100.{i + 100}").PostAsJsonAsync("/api/subscribers", new { email = variant })).StatusCode);
        }

        Assert.Equal(3, answers.Count(a => a == HttpStatusCode.Accepted));
        Assert.Equal(3, Mail.Emails.Count(m => m.To.Equals("dora@example.com", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Finding_6_a_replayed_signed_stop_changes_nothing_after_start()
    {
        var subscriber = await SignUpBySmsAsync("+14155550407");
        var stop = InboundForm("+14155550407", "STOP");
        var stopSignature = TwilioSigning.Sign(InboundUrl, stop);
        Assert.Equal(HttpStatusCode.OK, (await PostInboundAsync(stop, stopSignature)).StatusCode);
        Assert.Equal(ChannelState.Stopped, await SmsStateAsync(subscriber.Id));
        var start = InboundForm("+14155550407", "START");
        Assert.Equal(HttpStatusCode.OK, (await PostInboundAsync(start, TwilioSigning.Sign(InboundUrl, start))).StatusCode);
        Assert.Equal(ChannelState.Active, await SmsStateAsync(subscriber.Id));
        var before = await TableSnapshot.TakeAsync(Host.Services);

        var replay = await PostInboundAsync(stop, stopSignature);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.DoesNotContain("<Message>", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ChannelState.Active, await SmsStateAsync(subscriber.Id));
        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
    }

    [Fact]
    public async Task Removing_both_addresses_at_once_leaves_one_the_owner_can_still_sign_in_with()
    {
        var owner = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550415", "both-ways@example.com");
        var client = Client(token: owner.Token);

        var answers = await Task.WhenAll(client.DeleteAsync("/api/me/channels/sms"), client.DeleteAsync("/api/me/channels/email"));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var me = await Json(await client.GetAsync("/api/me"));
        Assert.True(me.GetProperty("smsState").GetString() == "active" || me.GetProperty("emailState").GetString() == "active");
    }

    [Theory]
    [InlineData("DELETE", "/api/me/rules/%2e%2e")]
    [InlineData("DELETE", "/api/me/rules/%2E%2E/")]
    [InlineData("DELETE", "/api/me/rules/..")]
    [InlineData("PATCH", "/api/me/rules/%2e%2e")]
    [InlineData("DELETE", "/api/me/rules/x/%2e%2e/%2e%2e")]
    [InlineData("DELETE", "/api/me/rules/%2e%2e%2f")]
    [InlineData("DELETE", "/api/me/rules/..%5c")]
    [InlineData("GET", "/api/me/rules/./")]
    public async Task Finding_7_dot_segments_never_reach_another_route(string method, string path)
    {
        var subscriber = await SignUpBySmsAsync("+14155550408");
        var before = await TableSnapshot.TakeAsync(Host.Services);
        var client = Client(token: subscriber.Token);
        var raw = new Uri(client.BaseAddress!, new Uri(path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }).OriginalString);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(raw.OriginalString, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }))
        {
            Content = method == "PATCH" ? new StringContent("""{"dailyCap":1}""", Encoding.UTF8, "application/json") : null,
        };

        var response = await client.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Json_errors_say_where_the_body_broke_and_nothing_of_the_parser()
    {
        var response = await Client().PostAsync("/api/subscribers", new StringContent("""{"phone":"+14155550409",}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await Json(response)).GetProperty("errors").GetProperty("$")[0].GetString()!;
        Assert.Matches(@"^Not valid JSON at position \d+\.$", message);
    }

    private ContactStore Contacts => Host.Services.GetRequiredService<ContactStore>();

    private AzuriteFixture Azurite { get; } = azurite;

    private async Task<TestSubscriber> SignUpBySmsAsync(string phone)
    {
        var client = Client("198.51.100.250");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { phone })).StatusCode);
        var token = await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { phone, code = SmsCode(phone) }));
        return new TestSubscriber(token.GetProperty("subscriberId").GetString()!, token.GetProperty("token").GetString()!, client);
    }

    private async Task<string> SignUpByEmailAsync(string email)
    {
        var client = Client("198.51.100.251");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/subscribers", new { email })).StatusCode);
        return (await Json(await client.PostAsJsonAsync("/api/subscribers/confirm", new { email, code = EmailCode(email) }))).GetProperty("token").GetString()!;
    }

    /// <summary>Every row of the subscriber's own tables (profile with rules, tokens, alert states, deliveries) that names them.</summary>
    private async Task<List<string>> RowsOfAsync(string subscriberId)
    {
        var rows = new List<string>();
        var table = "";
        foreach (var line in (await TableSnapshot.TakeAsync(Host.Services)).Split('\n'))
        {
            table = line.StartsWith(Host.Prefix, StringComparison.Ordinal) && !line.Contains(' ', StringComparison.Ordinal) ? line : table;
            if (table != Host.Prefix + "Contacts" && line.Contains(subscriberId, StringComparison.Ordinal))
            {
                rows.Add(line);
            }
        }

        return rows;
    }

    private string SmsCode(string phone) => TestSubscribers.LastCode(Sink, phone);

    private string EmailCode(string email) => CodePattern().Match(Mail.Emails.Last(e => e.To == email).Text).Value;

    private async Task<string> SmsStateAsync(string subscriberId) =>
        (await Host.Services.GetRequiredService<SubscriberStore>().GetProfileAsync(subscriberId, default))!.SmsState;

    private static Dictionary<string, string> InboundForm(string from, string body) => TwilioSigning.InboundForm(from, body);

    private Task<HttpResponseMessage> PostInboundAsync(Dictionary<string, string> form, string signature) =>
        TwilioSigning.PostInboundAsync(Host.CreateClient(), form, signature);

    private static string Shape(JsonElement json) => string.Join(",", json.EnumerateObject().Select(p => p.Name + ":" + p.Value.ValueKind));

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [GeneratedRegex(@"\d{6}")]
    private static partial Regex CodePattern();
}
