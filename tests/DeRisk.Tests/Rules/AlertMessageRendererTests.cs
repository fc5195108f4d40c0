using System.Globalization;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;

namespace DeRisk.Tests.Rules;

public sealed class AlertMessageRendererTests
{
    private static readonly DateTimeOffset May10 = new(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Price_change_sms_says_the_move_against_the_limit_the_price_and_how_to_stop()
    {
        var close = History.BtcClose(new DateOnly(2022, 5, 9));
        var change = ((close / History.BtcClose(new DateOnly(2022, 5, 8))) - 1) * 100;

        var text = AlertMessageRenderer.Sms(new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), Views.At(May10));

        // On 2022-05-10 UST was far off its peg and no refuge (USDC, USDT, DAI) is known on its peg: the advice is cash, and
        // says why. The re-arm level is the evaluator's: a quarter of the move back.
        Assert.Equal(
            $"DeRisk: BTC {change.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)}% in 24h (your limit -10.0%), now ${close.ToString("#,##0", CultureInfo.InvariantCulture)}, re-arms above -7.5% in 24h. Consider cash: UST is off its peg. Reply STOP to end.",
            text);
        Assert.Equal("UST", AlertMessageRenderer.OffPeg(Views.At(May10)));
    }

    [Fact]
    public void A_refuge_is_named_only_while_on_its_peg_and_a_rise_suggests_taking_profit()
    {
        // USDC (the first refuge) on its peg on 2023-03-01; off it ($0.9715) at the close of 2023-03-11, and nothing else known.
        var calm = Views.At(new DateTimeOffset(2023, 3, 1, 0, 0, 30, TimeSpan.Zero), "BTC", "USDC");
        var svb = Views.At(new DateTimeOffset(2023, 3, 12, 0, 0, 30, TimeSpan.Zero), "BTC", "USDC");
        Assert.True(svb.TryGetCurrent("USDC", out var usdc) && usdc.Value < 0.98);

        Assert.EndsWith("Consider moving to USDC. Reply STOP to end.", AlertMessageRenderer.Sms(new PriceLevelRule("BTC", PriceComparison.Below, 100_000), calm), StringComparison.Ordinal);
        Assert.EndsWith("Consider cash: USDC is off its peg. Reply STOP to end.", AlertMessageRenderer.Sms(new PriceLevelRule("BTC", PriceComparison.Below, 100_000), svb), StringComparison.Ordinal);
        Assert.EndsWith("Consider taking some profit. Reply STOP to end.", AlertMessageRenderer.Sms(new PriceLevelRule("BTC", PriceComparison.Above, 10_000), calm), StringComparison.Ordinal);

        // A refuge is never one whose depeg the same message reports, and "cash" when no refuge is known at all.
        var noRefuge = AlertWording.Default with { Refuges = [] };
        Assert.Null(AlertMessageRenderer.Refuge(calm, AlertWording.Default, [new DepegRule("USDC", 0.5)]));
        Assert.Null(AlertMessageRenderer.Refuge(calm, noRefuge, []));
        Assert.Equal("USDC", AlertMessageRenderer.Refuge(calm, AlertWording.Default, []));
    }

    [Fact]
    public void A_combination_is_critical_only_through_a_child_that_is_met()
    {
        var rule = new AnyOfRule([new DepegRule("USDC", 3), new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]);
        var byUst = new AnyOfRule([new DepegRule("UST", 3), new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]);
        var view = Views.At(May10);

        Assert.Equal(VerdictKind.Met, RuleEvaluator.Evaluate(rule, view).Kind);
        Assert.True(rule.IsCritical);
        Assert.False(rule.IsCriticalOn(view));
        Assert.DoesNotContain("may not hold", AlertMessageRenderer.Sms(rule, view), StringComparison.Ordinal);
        Assert.True(byUst.IsCriticalOn(view));
        Assert.Contains("may not hold", AlertMessageRenderer.Sms(byUst, view), StringComparison.Ordinal);
    }

    [Fact]
    public void Depeg_sms_is_critical_and_says_how_far_off_the_peg()
    {
        var text = AlertMessageRenderer.Sms(new DepegRule("UST", 5), Views.At(May10));

        Assert.StartsWith("DeRisk: UST at $0.7934, 20.", text, StringComparison.Ordinal);
        Assert.Contains("off its $1 peg (your limit 5%), re-arms within 2.5% of $1. Your stablecoin may not hold; consider cash.", text, StringComparison.Ordinal);
        Assert.EndsWith(AlertMessageRenderer.StopFooter, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Combination_sms_names_every_part_and_sentiment_reads_the_index()
    {
        var index = Views.At(May10).TryGetCurrent("FNG", out var fng) ? fng.Value : double.NaN;
        var rule = new AllOfRule([new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 20)]);

        var text = AlertMessageRenderer.Sms(rule, Views.At(May10));

        Assert.Contains($" and Fear & Greed {index.ToString("0", CultureInfo.InvariantCulture)} (your limit <= 20)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_message_fits_one_gsm7_segment_even_for_the_largest_combination()
    {
        RuleSpec[] children =
        [
            new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay), new PriceChangeRule("UST", ChangeDirection.Drop, 10, RuleWindow.OneDay),
            new PriceLevelRule("BTC", PriceComparison.Below, 31_000), new PriceLevelRule("LUNA", PriceComparison.Below, 40),
            new DepegRule("UST", 1), new SentimentRule(SentimentComparison.AtOrBelow, 20),
            new PriceChangeRule("LUNA", ChangeDirection.Drop, 30, RuleWindow.OneDay), new DepegRule("USDC", 1),
        ];
        var view = Views.At(May10);

        foreach (var text in children.Select(c => AlertMessageRenderer.Sms(c, view))
                     .Append(AlertMessageRenderer.Sms(new AllOfRule(children), view))
                     .Append(AlertMessageRenderer.AllClear(new AnyOfRule(children), view)))
        {
            Assert.True(text.Length <= AlertMessageRenderer.SmsSegmentLength, $"{text.Length}: {text}");
            Assert.True(AlertMessageRenderer.IsGsm7(text), text);
            Assert.EndsWith(AlertMessageRenderer.StopFooter, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_anyOf_all_clear_names_the_children_that_fired_it_not_the_ones_that_never_moved()
    {
        // Fired on 2022-05-10 by BTC's fall alone (USDC has no 2022 data: never met); cleared a few days later.
        var rule = new AnyOfRule([new DepegRule("UST", 50), new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay)]) { AllClear = true };
        var at = Views.At(May10);
        Assert.Equal(VerdictKind.Clear, RuleEvaluator.Evaluate(rule.Rules[0], at).Kind);
        var state = AlertState.Initial("s", "r") with { Episode = 1, AtAlert = AlertMessageRenderer.MarksOf(rule, at) };
        var later = Views.At(new DateTimeOffset(2022, 5, 20, 0, 0, 30, TimeSpan.Zero));

        var text = AlertMessageRenderer.Sms([new AlertItem("r", rule, state, AlertNews.Cleared)], later, AlertWording.Default);

        Assert.StartsWith("DeRisk all clear: BTC ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("UST", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_too_long_for_every_phrasing_is_cut_between_phrases_never_inside_a_number()
    {
        var rules = Enumerable.Range(0, 8).Select(i => (RuleSpec)new PriceLevelRule("BTC", PriceComparison.Below, 31_000 + (i * 1111))).ToList();

        var text = AlertMessageRenderer.Sms(rules, Views.At(May10));

        Assert.True(text.Length <= AlertMessageRenderer.SmsSegmentLength, text);
        var price = "$" + History.BtcClose(new DateOnly(2022, 5, 9)).ToString("#,##0", CultureInfo.InvariantCulture);
        Assert.Contains($"; BTC {price}...", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Gsm7_check_rejects_emoji_and_curly_quotes()
    {
        Assert.False(AlertMessageRenderer.IsGsm7("BTC down \U0001F4C9"));
        Assert.False(AlertMessageRenderer.IsGsm7("it\u2019s down"));
        Assert.True(AlertMessageRenderer.IsGsm7("it's down 10% ($30,078)"));
    }

    [Theory]
    [InlineData("+14155550100", "+1********00")]
    [InlineData("+442071838750", "+4*********50")]
    [InlineData("+1234", "*****")]
    [InlineData(null, "")]
    public void Phone_numbers_are_masked_for_logs(string? phone, string masked) =>
        Assert.Equal(masked, Redact.Phone(phone));

    [Theory]
    [InlineData("alice@example.com", "a****@e******.com")]
    [InlineData("b@mail.co.uk", "b@m******.uk")]
    [InlineData("not-an-address", "**************")]
    [InlineData(null, "")]
    public void Emails_are_masked_for_logs(string? email, string masked) =>
        Assert.Equal(masked, Redact.Email(email));

    [Fact]
    public void Provider_error_text_loses_every_number_and_address()
    {
        var text = Redact.Text("The 'To' number +15005550001 is not a valid phone number; contact bob@example.org or 415-555-0100.");

        Assert.DoesNotContain("5005550001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("555-0100", text, StringComparison.Ordinal);
        Assert.Contains("is not a valid phone number", text, StringComparison.Ordinal);
    }
}
