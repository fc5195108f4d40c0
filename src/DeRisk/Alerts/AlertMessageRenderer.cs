using System.Globalization;
using DeRisk.Rules;

namespace DeRisk.Alerts;

/// <summary>
/// Renders what a subscriber reads. SMS text stays within one GSM-7 segment (160 characters, no emoji or curly
/// quotes) and ends with how to stop.
/// </summary>
public static class AlertMessageRenderer
{
    public const int SmsSegmentLength = 160;
    public const string StopFooter = "Reply STOP to end.";

    public static string Sms(RuleSpec rule, Verdict verdict, double? currentValue) => rule switch
    {
        PriceChangeRule r => string.Create(CultureInfo.InvariantCulture,
            $"DeRisk: {r.Asset} {Signed(verdict.Observed)}% in {r.Window} (your limit {Signed(verdict.Threshold)}%).{Price(currentValue)} Consider moving to stablecoins. {StopFooter}"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "No SMS text for this rule kind."),
    };

    private static string Signed(double value) =>
        value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Price(double? value) => value switch
    {
        null => "",
        >= 100 => " Now $" + value.Value.ToString("#,##0", CultureInfo.InvariantCulture) + ".",
        >= 1 => " Now $" + value.Value.ToString("0.00", CultureInfo.InvariantCulture) + ".",
        > 0 => " Now $" + value.Value.ToString("F" + Math.Max(4, 3 - (int)Math.Floor(Math.Log10(value.Value))).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + ".",
        _ => "",
    };

    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>True when every character is in the GSM-7 basic set, so the text is billed in 160-character segments.</summary>
    public static bool IsGsm7(string text) => text.All(c => Gsm7Basic.Contains(c, StringComparison.Ordinal));
}
