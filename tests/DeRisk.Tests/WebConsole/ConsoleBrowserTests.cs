using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeRisk.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeRisk.Tests.WebConsole;

/// <summary>
/// The console in a real browser (Debian's Chromium through Playwright) against the local host on real Kestrel with
/// Azurite: sign-up with the code from the SMS stand-in, the rule form, the preview on May 2022, saving, and the
/// API's own errors beside the fields. Any console error or page error fails the test (a failed request the test
/// provokes on purpose, which Chromium logs as "Failed to load resource", is checked and expected by name). A
/// screenshot of each page is written to bin/.../artifacts/console/.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ConsoleBrowserTests(AzuriteFixture azurite, ITestOutputHelper output)
    : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 6, 1, 0, 0, 30, TimeSpan.Zero)), IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "console");

    private readonly List<string> _consoleErrors = [];
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private Uri _base = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (scripts/test.sh does it as root).");
        _playwright = await Playwright.CreateAsync();

        // Waits, not sleeps: how long an expectation may take to come true. The suite runs beside Azurite and other test
        // hosts on two cores, where 5 s (the default) was seen to run out while the page was still working.
        Assertions.SetDefaultExpectTimeout(20_000);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        Directory.CreateDirectory(Artifacts);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await DisposeAsync();
    }

    protected override Task OnStartedAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
        _base = new Uri(Host.CreateClient().BaseAddress!, "/api/console/");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_new_subscriber_signs_up_confirms_previews_a_rule_on_May_2022_and_saves_it()
    {
        const string phone = "+14155550701";
        var page = await NewPageAsync(new ViewportSize { Width = 1100, Height = 900 });
        await page.GotoAsync(_base.ToString());

        await Expect(Heading(page, "Sign up or sign in")).ToBeVisibleAsync();
        await page.GetByLabel("Mobile number (E.164, with country code)").FillAsync(phone);
        await page.GetByLabel("Time zone").SelectOptionAsync("Europe/London");
        await page.GetByLabel("Most alerts a day (optional)").FillAsync("5");
        await ShotAsync(page, "1-sign-up");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my code" }).ClickAsync();

        await Expect(Heading(page, "Enter your code")).ToBeVisibleAsync();
        await page.GetByLabel($"Code sent by SMS to {phone}").FillAsync(TestSubscribers.LastCode(Sink, phone));
        await ShotAsync(page, "2-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(Heading(page, "Your rules")).ToBeVisibleAsync();
        await Expect(page.GetByText("No rules yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "New rule" }).ClickAsync();

        // BTC down 10 % in 24 h, previewed over May 2022.
        await Expect(Heading(page, "New rule")).ToBeVisibleAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("priceChange");
        await page.GetByLabel("Asset").SelectOptionAsync("BTC");
        await page.GetByLabel("Direction").SelectOptionAsync("drop");
        await page.GetByLabel("By at least (%)").FillAsync("10");
        await page.GetByLabel("Within").SelectOptionAsync("24h");
        await page.GetByLabel("Over").SelectOptionAsync("custom");
        await page.GetByLabel("From").FillAsync("2022-05-01");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2022-05-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview on real history" }).ClickAsync();

        var expectedDays = PreviewApiTests.BtcDropDaysOfMay2022();
        var markers = page.Locator("#preview-markers li");
        await Expect(markers).ToHaveCountAsync(expectedDays.Count);
        for (var i = 0; i < expectedDays.Count; i++)
        {
            await Expect(markers.Nth(i)).ToHaveAttributeAsync("data-day", expectedDays[i]);
            await Expect(markers.Nth(i)).ToContainTextAsync("BTC -");
        }

        await Expect(page.Locator(".chart canvas").First).ToBeVisibleAsync();
        await markers.First.FocusAsync();
        await Expect(page.Locator(".marker-detail")).ToContainTextAsync($"#1 {expectedDays[0]} 00:00 UTC · fire: ");
        await ShotAsync(page, "3-rule-preview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(Heading(page, "Your rules")).ToBeVisibleAsync();
        await Expect(page.Locator("#rule-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#rule-list .rule-text")).ToHaveTextAsync("BTC down 10% in 24h");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test now" }).ClickAsync();
        await Expect(page.GetByText("Next tick would")).ToBeVisibleAsync();
        await ShotAsync(page, "4-rules");

        var token = await page.EvaluateAsync<string>("() => sessionStorage.getItem('derisk.token')");
        var rules = await (await TestSubscribers.ClientWith(Host, token).GetAsync("/api/me/rules")).Content.ReadAsStringAsync();
        Assert.Contains("\"kind\":\"priceChange\"", rules, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await Expect(Heading(page, "Alerts")).ToBeVisibleAsync();
        await ShotAsync(page, "5-alerts");

        await page.GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await Expect(Heading(page, "Profile")).ToBeVisibleAsync();
        await Expect(page.Locator("#channels")).ToContainTextAsync($"{phone} (active)");
        await Expect(page.GetByLabel("Time zone")).ToHaveValueAsync("Europe/London");
        await page.Locator("#preferences").GetByLabel("From").FillAsync("23:00");
        await page.Locator("#preferences").GetByLabel("Until").FillAsync("07:00");
        await page.Locator("#preferences").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Saved.");
        await ShotAsync(page, "6-profile");
        var me = JsonDocument.Parse(await (await TestSubscribers.ClientWith(Host, token).GetAsync("/api/me")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("23:00", me.GetProperty("quietHours").GetProperty("start").GetString());

        // Signing out revokes the token.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Heading(page, "Sign up or sign in")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestSubscribers.ClientWith(Host, token).GetAsync("/api/me")).StatusCode);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('derisk.token')"));

        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task A_bad_field_shows_the_APIs_own_message_beside_it_when_saving_and_when_previewing()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550702");
        var bad = new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 150, window = "24h" };
        var apiAnswer = await subscriber.Client.PostAsJsonAsync("/api/me/rules", bad);
        Assert.Equal(HttpStatusCode.BadRequest, apiAnswer.StatusCode);
        var message = JsonDocument.Parse(await apiAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("percent")[0].GetString()!;

        // A phone-sized screen.
        var page = await NewPageAsync(new ViewportSize { Width = 390, Height = 844 }, subscriber.Token);
        await page.GotoAsync(new Uri(_base, "#/rules/new").ToString());
        await Expect(Heading(page, "New rule")).ToBeVisibleAsync();
        await page.GetByLabel("By at least (%)").FillAsync("150");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();

        var percentError = page.Locator("[data-path='percent'] > .error");
        await Expect(percentError).ToHaveTextAsync(message);
        await Expect(page.GetByLabel("By at least (%)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("By at least (%)")).ToBeFocusedAsync();
        await ShotAsync(page, "7-rule-error-phone");

        // The preview wraps the rule ("rule.percent") and shows the same message in the same place.
        await page.GetByLabel("By at least (%)").FillAsync("149");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview on real history" }).ClickAsync();
        await Expect(percentError).ToHaveTextAsync(message.Replace("150", "149", StringComparison.Ordinal));

        // Nothing was saved.
        Assert.Equal("[]", await (await subscriber.Client.GetAsync("/api/me/rules")).Content.ReadAsStringAsync());
        Assert.All(_consoleErrors, e => Assert.Equal("Failed to load resource: the server responded with a status of 400 (Bad Request)", e));
    }

    [Fact]
    public async Task A_subscriber_never_sees_another_subscribers_rules_or_addresses()
    {
        var alice = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550703", "alice@example.com");
        var bob = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550704");
        var aliceRule = JsonDocument.Parse(await (await alice.Client.PostAsJsonAsync("/api/me/rules", new { kind = "depeg", asset = "UST", percent = 3 })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await bob.Client.PostAsJsonAsync("/api/me/rules", new { kind = "sentiment", when = "atOrBelow", value = 15 })).StatusCode);

        var page = await NewPageAsync(new ViewportSize { Width = 1000, Height = 800 }, bob.Token);
        await page.GotoAsync(new Uri(_base, "#/rules").ToString());
        await Expect(page.Locator("#rule-list .rule-text")).ToHaveTextAsync(["Fear & Greed at or below 15"]);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("UST");

        await page.GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await Expect(page.Locator("#channels")).ToContainTextAsync("+14155550704 (active)");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("+14155550703");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("alice@example.com");
        await Expect(page.Locator("main")).Not.ToContainTextAsync(alice.Id);

        // Alice's rule id in Bob's console: the API says not found, and nothing of hers is shown.
        await page.GotoAsync(new Uri(_base, $"#/rules/edit/{aliceRule}").ToString());
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Rule not found");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("UST");
        await ShotAsync(page, "8-another-subscribers-rule");

        Assert.All(_consoleErrors, e => Assert.Equal("Failed to load resource: the server responded with a status of 404 (Not Found)", e));
    }

    [Fact]
    public async Task Signing_up_with_a_phone_and_an_email_confirms_both_codes_of_the_same_sign_up()
    {
        const string phone = "+14155550705";
        const string email = "both.addresses@example.com";
        var page = await NewPageAsync(new ViewportSize { Width = 390, Height = 844 });
        await page.GotoAsync(_base.ToString());
        await page.GetByLabel("Mobile number (E.164, with country code)").FillAsync(phone);
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my code" }).ClickAsync();

        await Expect(Heading(page, "Enter your code")).ToBeVisibleAsync();
        await page.GetByLabel($"Code sent by SMS to {phone}").FillAsync(TestSubscribers.LastCode(Sink, phone));
        await page.GetByLabel($"Code sent by email to {email}").FillAsync(SixDigits().Match(Mail.Emails.Last(e => e.To == email).Text).Value);
        await ShotAsync(page, "9-confirm-two-codes-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(Heading(page, "Your rules")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await Expect(page.Locator("#channels [data-channel='sms'] > p:first-child")).ToHaveTextAsync($"Mobile number: {phone} (active)");
        await Expect(page.Locator("#channels [data-channel='email'] > p:first-child")).ToHaveTextAsync($"Email address: {email} (active)");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task A_rule_is_edited_into_a_combination_previewed_with_fear_and_greed_saved_and_deleted_then_the_account_is_deleted()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550706");
        var ruleId = JsonDocument.Parse(await (await subscriber.Client.PostAsJsonAsync("/api/me/rules", new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var page = await NewPageAsync(new ViewportSize { Width = 1000, Height = 900 }, subscriber.Token);
        await page.GotoAsync(new Uri(_base, "#/rules").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();

        await Expect(Heading(page, "Edit rule")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("By at least (%)")).ToHaveValueAsync("10");
        await page.GetByLabel("Kind").First.SelectOptionAsync("anyOf");
        var first = page.GetByRole(AriaRole.Group, new() { Name = "Condition 1" });
        var second = page.GetByRole(AriaRole.Group, new() { Name = "Condition 2" });
        await Expect(second.GetByLabel("Value (0-100)")).ToHaveValueAsync("20");
        await second.GetByLabel("Value (0-100)").FillAsync("25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a condition" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove condition 3" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Condition 3" })).ToHaveCountAsync(0);

        // A child's bad field: the API's message for rules[0].percent, beside that child's field.
        await first.GetByLabel("By at least (%)").FillAsync("150");
        var bad = new { kind = "anyOf", rules = new object[] { new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 150, window = "24h" }, new { kind = "sentiment", when = "atOrBelow", value = 25 } } };
        var message = JsonDocument.Parse(await (await subscriber.Client.PostAsJsonAsync("/api/me/rules", bad)).Content.ReadAsStringAsync())
            .RootElement.GetProperty("errors").GetProperty("rules[0].percent")[0].GetString()!;
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("[data-path='rules[0].percent'] > .error")).ToHaveTextAsync(message);
        await first.GetByLabel("By at least (%)").FillAsync("10");

        await page.GetByLabel("Over").SelectOptionAsync("custom");
        await page.GetByLabel("From").FillAsync("2022-05-01");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2022-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview on real history" }).ClickAsync();
        await Expect(page.Locator(".u-legend")).ToContainTextAsync("Fear & Greed");
        await Expect(page.Locator("#preview-markers li").First).ToBeVisibleAsync();
        await ShotAsync(page, "10-combination-preview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#rule-list .rule-text")).ToHaveTextAsync(["BTC down 10% in 24h or Fear & Greed at or below 25"]);
        var saved = JsonDocument.Parse(await (await subscriber.Client.GetAsync($"/api/me/rules/{ruleId}")).Content.ReadAsStringAsync()).RootElement.GetProperty("rule");
        Assert.Equal("anyOf", saved.GetProperty("kind").GetString());
        Assert.Equal(25, saved.GetProperty("rules")[1].GetProperty("value").GetInt32());

        // Deleting takes a second, explicit step, and the confirmation starts on "Keep it": Enter twice deletes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Keep it" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete this rule" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.OK, (await subscriber.Client.GetAsync($"/api/me/rules/{ruleId}")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete this rule" }).ClickAsync();
        await Expect(page.GetByText("No rules yet.")).ToBeVisibleAsync();
        Assert.Equal("[]", await (await subscriber.Client.GetAsync("/api/me/rules")).Content.ReadAsStringAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Profile" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account…" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete everything" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete my account…" })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.OK, (await subscriber.Client.GetAsync("/api/me")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await ShotAsync(page, "11-delete-account-confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete everything" }).ClickAsync();
        await Expect(Heading(page, "Sign up or sign in")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await subscriber.Client.GetAsync("/api/me")).StatusCode);

        Assert.All(_consoleErrors, e => Assert.Equal("Failed to load resource: the server responded with a status of 400 (Bad Request)", e));
    }

    [Fact]
    public async Task The_rule_form_keeps_a_rules_name_and_asset_and_shows_a_rule_it_cannot_represent_read_only()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550707");
        var depegId = await AddRuleAsync(subscriber.Client, new { name = "Peg watch", kind = "depeg", asset = "UST", percent = 3 });
        var nested = new
        {
            kind = "anyOf",
            rules = new object[]
            {
                new { kind = "allOf", rules = new object[] { new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" }, new { kind = "sentiment", when = "atOrBelow", value = 20 } } },
                new { kind = "depeg", asset = "USDC", percent = 2 },
            },
        };
        var nestedId = await AddRuleAsync(subscriber.Client, nested);
        var nestedBefore = await RuleJsonAsync(subscriber.Client, nestedId);

        // The asset choices are what GET /api/assets lists (here a shorter list than the host tracks, without UST).
        var page = await NewPageAsync(new ViewportSize { Width = 1000, Height = 900 }, subscriber.Token);
        await page.RouteAsync("**/api/assets", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{"snapshotAt":null,"assets":[{"symbol":"BTC","kind":"price","stablecoin":false,"status":"ok"},{"symbol":"USDC","kind":"price","stablecoin":true,"status":"ok"},{"symbol":"FNG","kind":"index","stablecoin":false,"status":"ok"}]}""",
        }));
        await page.GotoAsync(new Uri(_base, "#/rules/new").ToString());
        await Expect(page.GetByLabel("Asset").Locator("option")).ToHaveTextAsync(["BTC", "USDC"]);
        await page.GetByLabel("Kind").SelectOptionAsync("depeg");
        await Expect(page.GetByLabel("Stablecoin").Locator("option")).ToHaveTextAsync(["USDC"]);

        // The list shows the rule's name; editing keeps UST (not in the list) and the name goes back on save.
        await page.GotoAsync(new Uri(_base, "#/rules").ToString());
        await Expect(page.Locator($"[data-rule-id='{depegId}'] .rule-name")).ToHaveTextAsync("Peg watch");
        await page.Locator($"[data-rule-id='{depegId}']").GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(Heading(page, "Edit rule")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Name (optional)")).ToHaveValueAsync("Peg watch");
        await Expect(page.GetByLabel("Stablecoin")).ToHaveValueAsync("UST");
        await page.GetByLabel("Name (optional)").FillAsync("UST peg");
        await ShotAsync(page, "12-rule-name-and-untracked-asset");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator($"[data-rule-id='{depegId}'] .rule-name")).ToHaveTextAsync("UST peg");
        var saved = JsonDocument.Parse(await RuleJsonAsync(subscriber.Client, depegId)).RootElement;
        Assert.Equal(("UST peg", "UST"), (saved.GetProperty("name").GetString(), saved.GetProperty("asset").GetString()));

        // A combination nested deeper than the form goes: its JSON, read-only, and no way to save it with defaults.
        await page.Locator($"[data-rule-id='{nestedId}']").GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(page.GetByText("edit this rule with the API", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(page.Locator(".rule-json")).ToContainTextAsync("\"allOf\"");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Kind")).ToHaveCountAsync(0);
        await ShotAsync(page, "13-rule-read-only");
        Assert.Equal(nestedBefore, await RuleJsonAsync(subscriber.Client, nestedId));
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Removing_the_only_number_asks_first_and_shows_the_APIs_conflict_once_and_an_empty_daily_cap_is_not_sent()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550708");
        var capBefore = JsonDocument.Parse(await (await subscriber.Client.GetAsync("/api/me")).Content.ReadAsStringAsync()).RootElement.GetProperty("dailyCap").GetInt32();
        var page = await NewPageAsync(new ViewportSize { Width = 390, Height = 844 }, subscriber.Token);
        await page.GotoAsync(new Uri(_base, "#/profile").ToString());
        var sms = page.Locator("#channels [data-channel='sms']");
        await Expect(sms).ToContainTextAsync("reply STOP to any DeRisk SMS");
        await Expect(sms).ToContainTextAsync("reply START");

        // Enter twice on the button keeps the number.
        await sms.GetByRole(AriaRole.Button, new() { Name = "Stop SMS: remove this number" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(sms.GetByRole(AriaRole.Button, new() { Name = "Keep it" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(sms.GetByRole(AriaRole.Button, new() { Name = "Yes, remove this number" })).ToHaveCountAsync(0);

        // Confirmed twice: the API's 409 (the only confirmed address) is shown, once.
        for (var i = 0; i < 2; i++)
        {
            await sms.GetByRole(AriaRole.Button, new() { Name = "Stop SMS: remove this number" }).ClickAsync();
            await sms.GetByRole(AriaRole.Button, new() { Name = "Yes, remove this number" }).ClickAsync();
            await Expect(sms.GetByRole(AriaRole.Alert)).ToContainTextAsync("This is your only confirmed address");
        }

        await Expect(sms.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);
        await ShotAsync(page, "14-remove-only-number");
        Assert.Equal(HttpStatusCode.OK, (await subscriber.Client.GetAsync("/api/me")).StatusCode);

        // An empty daily cap is refused beside the field, not sent as "".
        await page.GetByLabel("Most alerts a day").FillAsync("");
        await page.Locator("#preferences").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("[data-path='dailyCap'] > .error")).ToContainTextAsync("from 1 to 100");
        await Expect(page.GetByLabel("Most alerts a day")).ToBeFocusedAsync();
        var capAfter = JsonDocument.Parse(await (await subscriber.Client.GetAsync("/api/me")).Content.ReadAsStringAsync()).RootElement.GetProperty("dailyCap").GetInt32();
        Assert.Equal(capBefore, capAfter);

        Assert.All(_consoleErrors, e => Assert.Equal("Failed to load resource: the server responded with a status of 409 (Conflict)", e));
    }

    [Fact]
    public async Task A_bad_rule_address_and_an_answer_that_is_not_JSON_show_a_problem_not_a_script_error()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550709");
        var page = await NewPageAsync(new ViewportSize { Width = 1000, Height = 800 }, subscriber.Token);
        await page.GotoAsync(_base + "#/rules/edit/%");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That address does not name a rule.");
        await page.GotoAsync(new Uri(_base, "#/rules/edit/a.b").ToString());
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That address does not name a rule.");

        // A 200 that is HTML, then one that claims JSON and is not: a problem at the top of the form.
        await page.GotoAsync(new Uri(_base, "#/rules/new").ToString());
        await Expect(Heading(page, "New rule")).ToBeVisibleAsync();
        foreach (var (type, body) in new[] { ("text/html", "<html><body>Gateway</body></html>"), ("application/json", "{\"markers\":") })
        {
            await page.RouteAsync("**/api/preview", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = type, Body = body }));
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview on real history" }).ClickAsync();
            await Expect(page.Locator(".form-error")).ToHaveTextAsync("The DeRisk server sent an answer the console could not read.");
            await page.UnrouteAsync("**/api/preview");
        }

        Assert.Empty(_consoleErrors);
    }

    private static async Task<string> AddRuleAsync(HttpClient client, object rule)
    {
        var answer = await client.PostAsJsonAsync("/api/me/rules", rule);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> RuleJsonAsync(HttpClient client, string ruleId) =>
        JsonDocument.Parse(await (await client.GetAsync($"/api/me/rules/{ruleId}")).Content.ReadAsStringAsync()).RootElement.GetProperty("rule").GetRawText();

    private async Task<IPage> NewPageAsync(ViewportSize viewport, string? token = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport, Locale = "en-GB", TimezoneId = "Europe/London" });
        if (token is not null)
        {
            // As if signed in earlier in this tab: the console keeps the token in session storage.
            await context.AddInitScriptAsync($"sessionStorage.setItem('derisk.token', {JsonSerializer.Serialize(token)});");
        }

        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Add("page error: " + error);
        return page;
    }

    private static ILocator Heading(IPage page, string name) =>
        page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    private async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(Artifacts, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    [GeneratedRegex(@"\d{6}")]
    private static partial Regex SixDigits();
}
