using DeRisk.Alerts;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Tests.Rules;

public sealed class AlertMessageRendererTests
{
    [Theory]
    [InlineData("BTC", -11.6145, -10, 30078.27, "DeRisk: BTC -11.6% in 24h (your limit -10.0%). Now $30,078. Consider moving to stablecoins. Reply STOP to end.")]
    [InlineData("UST", -20.37, -10, 0.79336, "DeRisk: UST -20.4% in 24h (your limit -10.0%). Now $0.7934. Consider moving to stablecoins. Reply STOP to end.")]
    [InlineData("LUNA", -93.86, -50, 1.07503, "DeRisk: LUNA -93.9% in 24h (your limit -50.0%). Now $1.08. Consider moving to stablecoins. Reply STOP to end.")]
    [InlineData("LUNA", -97.6, -50, 0.00004236, "DeRisk: LUNA -97.6% in 24h (your limit -50.0%). Now $0.00004236. Consider moving to stablecoins. Reply STOP to end.")]
    public void Sms_says_what_fired_against_the_limit_and_how_to_stop_in_one_gsm7_segment(string asset, double observed, double threshold, double price, string expected)
    {
        var text = AlertMessageRenderer.Sms(new PriceChangeRule(asset, ChangeDirection.Drop, -threshold, "24h"), new Verdict(VerdictKind.Met, observed, threshold, null), price);

        Assert.Equal(expected, text);
        Assert.True(text.Length <= AlertMessageRenderer.SmsSegmentLength);
        Assert.True(AlertMessageRenderer.IsGsm7(text));
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
}
