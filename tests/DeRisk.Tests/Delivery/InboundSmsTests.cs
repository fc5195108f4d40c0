using System.Net;
using System.Xml.Linq;
using DeRisk.Delivery;
using DeRisk.Rules;
using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Delivery;

/// <summary>Twilio's inbound SMS webhook, signed as Twilio signs it: STOP stops the next alert, START restores it, HELP answers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class InboundSmsTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    private const string InboundUrl = "https://derisk.example.net/api/twilio/inbound";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Twilio:InboundUrl"] = InboundUrl };

    [Fact]
    public async Task Stop_via_the_webhook_suppresses_the_next_alert_and_start_restores_sms()
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550170");
        await Host.Services.GetRequiredService<SubscriberStore>().TryAddRuleAsync(subscriberId, new StoredRule(RowKeys.NewId(Time), new DepegRule("UST", 3), Time.GetUtcNow()), default);

        var stop = await PostAsync("+14155550170", " Stop. ");

        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal(InboundSmsService.StoppedText, await ReplyAsync(stop));
        await Host.Services.GetRequiredService<MarketTick>().RunAsync(default);
        var drained = await Host.Services.GetRequiredService<Dispatcher>().DrainAsync(default);
        Assert.Equal((0, 0), (drained.Received, drained.Sent));
        Assert.Empty(Sink.Messages);

        var start = await PostAsync("+14155550170", "START");
        Assert.Equal(InboundSmsService.StartedText, await ReplyAsync(start));
        Assert.Equal(ChannelState.Active, (await Host.Services.GetRequiredService<SubscriberStore>().GetProfileAsync(subscriberId, default))!.SmsState);
    }

    [Theory]
    [InlineData("STOPALL")]
    [InlineData("unsubscribe")]
    [InlineData("Cancel")]
    [InlineData("END")]
    [InlineData("quit")]
    public async Task Every_stop_synonym_turns_sms_off(string word)
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550171");

        Assert.Equal(InboundSmsService.StoppedText, await ReplyAsync(await PostAsync("+14155550171", word)));

        Assert.Equal(ChannelState.Stopped, (await Host.Services.GetRequiredService<SubscriberStore>().GetProfileAsync(subscriberId, default))!.SmsState);
    }

    [Theory]
    [InlineData("HELP")]
    [InlineData("info")]
    public async Task Help_says_what_derisk_is_and_how_to_stop(string word)
    {
        var reply = await ReplyAsync(await PostAsync("+14155550172", word));

        Assert.Equal(InboundSmsService.HelpText, reply);
        Assert.Contains("STOP", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_texts_get_an_empty_twiml_response()
    {
        var response = await PostAsync("+14155550173", "what is the price of btc");

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", twiml.Root!.Name.LocalName);
        Assert.Empty(twiml.Root.Elements());
    }

    [Fact]
    public async Task A_wrongly_signed_or_unsigned_stop_is_rejected_and_changes_nothing()
    {
        var subscriberId = await TestSubscribers.SeedAsync(Host.Services, "+14155550174");
        var before = await TableSnapshot.TakeAsync(Host.Services);

        var forged = await PostAsync("+14155550174", "STOP", signature: TwilioSigning.Sign(InboundUrl, Form("+14155550174", "STOP"), authToken: "someone-elses-token"));
        var otherUrl = await PostAsync("+14155550174", "STOP", signature: TwilioSigning.Sign("https://evil.example.com/api/twilio/inbound", Form("+14155550174", "STOP")));
        var unsigned = await PostAsync("+14155550174", "STOP", signature: "");

        Assert.All(new[] { forged, otherUrl, unsigned }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(before, await TableSnapshot.TakeAsync(Host.Services));
        Assert.Equal(ChannelState.Active, (await Host.Services.GetRequiredService<SubscriberStore>().GetProfileAsync(subscriberId, default))!.SmsState);
    }

    private static Dictionary<string, string> Form(string from, string body) => TwilioSigning.InboundForm(from, body);

    private async Task<HttpResponseMessage> PostAsync(string from, string body, string? signature = null)
    {
        var form = Form(from, body);
        return await TwilioSigning.PostInboundAsync(Host.CreateClient(), form, signature ?? TwilioSigning.Sign(InboundUrl, form));
    }

    private static async Task<string> ReplyAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/xml", response.Content.Headers.ContentType!.MediaType);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return Assert.Single(twiml.Root!.Elements(), e => e.Name.LocalName == "Message").Value;
    }
}
