using System.Globalization;
using DeRisk.Market;
using DeRisk.Rules;

namespace DeRisk.Alerts;

/// <summary>
/// Renders what a subscriber reads, from the rule and the tick's market view. SMS text stays within one GSM-7
/// segment (160 characters, no emoji or curly quotes), says what fired against the limit, suggests the action, and
/// ends with how to stop.
/// </summary>
public static class AlertMessageRenderer
{
    public const int SmsSegmentLength = 160;
    public const string StopFooter = "Reply STOP to end.";

    public static string Sms(RuleSpec rule, MarketView market) => Sms([rule], market);

    /// <summary>One message for every rule that fired for a subscriber in one tick.</summary>
    public static string Sms(IReadOnlyList<RuleSpec> rules, MarketView market)
    {
        var advice = Advice(rules, market);
        var head = rules.Count == 1 ? "DeRisk: " : string.Create(CultureInfo.InvariantCulture, $"DeRisk, {rules.Count} alerts: ");
        return Fit(head, [Join(rules, market, Detail.Full), Join(rules, market, Detail.Brief), Join(rules, market, Detail.Minimal)], $". {advice} {StopFooter}");
    }

    /// <summary>
    /// What to do, from the rules that fired: a broken stablecoin first; a rise is a time to take some profit, not to
    /// flee; and stablecoins are suggested as a refuge only while every tracked one holds its peg.
    /// </summary>
    private static string Advice(IReadOnlyList<RuleSpec> rules, MarketView market)
    {
        if (rules.Any(r => r.IsCriticalOn(market)))
        {
            return rules.Count == 1 ? "Your stablecoin may not hold; consider cash or another stablecoin." : "A stablecoin may not hold.";
        }

        if (rules.All(r => r.IsRise))
        {
            return "Consider taking some profit.";
        }

        if (rules.All(r => r is SentimentRule))
        {
            return "Consider reducing risk.";
        }

        return AStablecoinIsOffPeg(market) ? "Consider cash: a stablecoin is off its peg." : "Consider moving to stablecoins.";
    }

    /// <summary>Whether any stablecoin in this market is more than <see cref="PortfolioAdvice.PegTolerancePercent"/> off $1.00.</summary>
    public static bool AStablecoinIsOffPeg(MarketView market) =>
        market.Snapshot.Quotes.Any(q => Assets.IsStablecoin(q.Asset) && market.TryGetCurrent(q.Asset, out var price) && !PortfolioAdvice.HoldsPeg(price.Value));

    public static string AllClear(RuleSpec rule, MarketView market) => AllClear([rule], market);

    /// <summary>
    /// The alert as an email, from the same phrases as the SMS but with room for them: a subject, a text part and an
    /// HTML part listing every rule that fired in full, what to do, the data's time, and links to manage or stop the
    /// alerts (the console at <paramref name="consoleUrl"/>, when there is one).
    /// </summary>
    public static EmailContent Email(IReadOnlyList<RuleSpec> rules, MarketView market, bool allClear, Uri? consoleUrl)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(market);
        var head = allClear ? "DeRisk all clear" : rules.Count == 1 ? "DeRisk alert" : string.Create(CultureInfo.InvariantCulture, $"DeRisk, {rules.Count} alerts");
        var subject = Subject(head + ": ", [Join(rules, market, Detail.Brief), Join(rules, market, Detail.Minimal)]);
        var lines = rules.Select(r => r.Name is { } name ? $"{name}: {Phrase(r, market, Detail.Full)}" : Phrase(r, market, Detail.Full)).ToList();
        var advice = allClear ? "The condition has cleared; your rule is armed again." : Advice(rules, market);
        var asOf = market.Now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var manage = consoleUrl is null ? null : new Uri(consoleUrl, "#/rules").ToString();
        var stop = consoleUrl is null ? null : new Uri(consoleUrl, "#/profile").ToString();
        const string Why = "You get this because you set these rules at DeRisk.";
        const string StopHow = "Change or stop your alerts in the DeRisk console, or with the DeRisk API (PUT or DELETE /api/me/rules/{id}, DELETE /api/me).";

        var text = new System.Text.StringBuilder()
            .Append(head).Append(" (market data as of ").Append(asOf).AppendLine(")").AppendLine();
        foreach (var line in lines)
        {
            text.Append("- ").AppendLine(line);
        }

        text.AppendLine().AppendLine(advice).AppendLine().AppendLine(Why).AppendLine(StopHow);
        if (manage is not null)
        {
            text.Append("Manage your rules: ").AppendLine(manage).Append("Stop alerts: ").AppendLine(stop);
        }

        var html = new System.Text.StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>").Append(Html(head)).Append("</h2>")
            .Append("<p>Market data as of ").Append(Html(asOf)).Append(".</p><table cellpadding=\"6\" style=\"border-collapse:collapse\"><tbody>");
        foreach (var line in lines)
        {
            html.Append("<tr><td style=\"border-bottom:1px solid #ddd\">").Append(Html(line)).Append("</td></tr>");
        }

        html.Append("</tbody></table><p><strong>").Append(Html(advice)).Append("</strong></p><p style=\"color:#555\">").Append(Html(Why)).Append(' ').Append(Html(StopHow));
        if (manage is not null)
        {
            html.Append("<br><a href=\"").Append(Html(manage)).Append("\">Manage your rules</a> &middot; <a href=\"").Append(Html(stop!)).Append("\">Stop alerts</a>");
        }

        html.Append("</p></body></html>");
        return new EmailContent(subject, text.ToString(), html.ToString());
    }

    /// <summary>
    /// An SMS that the carrier could not deliver, as an email: its text without the SMS opt-out line (which means
    /// nothing in an inbox), why it came by email, and how to manage the alerts.
    /// </summary>
    public static EmailContent FallbackEmail(string smsText, string why, Uri? consoleUrl)
    {
        ArgumentNullException.ThrowIfNull(smsText);
        var text = smsText.EndsWith(StopFooter, StringComparison.Ordinal) ? smsText[..^StopFooter.Length].TrimEnd() : smsText;
        var manage = consoleUrl is null ? "" : "\nManage your rules: " + new Uri(consoleUrl, "#/rules");
        var body = $"{text}\n\nThis alert came by email because its SMS could not be delivered: {why}.\n\n{EmailFooter}{manage}";
        return new EmailContent(SubjectOf(text), body, "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>" + Html(body).Replace("\n", "<br>", StringComparison.Ordinal) + "</p></body></html>");
    }

    /// <summary>How the email says why it came and how to stop it, when there is no console link.</summary>
    public const string EmailFooter = "You get this because you set this rule at DeRisk. Change or stop your alerts in the DeRisk console, or with the DeRisk API (PUT or DELETE /api/me/rules/{id}, DELETE /api/me).";

    /// <summary>A subject from a text's first line, short enough for a mail client's list.</summary>
    public static string SubjectOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var firstLine = text.AsSpan();
        var end = firstLine.IndexOfAny('\r', '\n');
        if (end >= 0)
        {
            firstLine = firstLine[..end];
        }

        return firstLine.Length <= 90 ? firstLine.ToString() : string.Concat(firstLine[..89], "…");
    }

    /// <summary>An email's subject: the most detailed phrasing that fits a mail client's list (90 characters), else cut.</summary>
    private static string Subject(string head, string[] phrases)
    {
        const int Max = 90;
        foreach (var phrase in phrases)
        {
            if (head.Length + phrase.Length <= Max)
            {
                return head + phrase;
            }
        }

        return string.Concat(head, phrases[^1].AsSpan(0, Math.Max(0, Max - head.Length - 1)), "…");
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    public static string AllClear(IReadOnlyList<RuleSpec> rules, MarketView market) =>
        Fit("DeRisk all clear: ", [Join(rules, market, Detail.Full), Join(rules, market, Detail.Brief), Join(rules, market, Detail.Minimal)], $". {StopFooter}");

    /// <summary>The rules' phrases; at full detail each named rule is introduced by its name, when the name is plain GSM-7 text.</summary>
    private static string Join(IReadOnlyList<RuleSpec> rules, MarketView market, Detail detail) =>
        string.Join("; ", rules.Select(r => detail == Detail.Full && r.Name is { } name && IsGsm7(name) ? $"{name}: {Phrase(r, market, detail)}" : Phrase(r, market, detail)));

    private enum Detail
    {
        Full,
        Brief,
        Minimal,
    }

    /// <summary>The most detailed text that fits one segment; else the least detailed, cut to fit.</summary>
    private static string Fit(string head, string[] phrases, string tail)
    {
        foreach (var phrase in phrases)
        {
            var text = head + phrase + tail;
            if (text.Length <= SmsSegmentLength)
            {
                return text;
            }
        }

        var room = SmsSegmentLength - head.Length - tail.Length - 3;
        return head + phrases[^1][..Math.Max(0, room)] + "..." + tail;
    }

    private static string Phrase(RuleSpec rule, MarketView market, Detail detail) => rule switch
    {
        PriceChangeRule r => PriceChange(r, market, detail),
        PriceLevelRule r => PriceLevel(r, market, detail),
        SentimentRule r => Sentiment(r, market, detail),
        DepegRule r => Depeg(r, market, detail),
        DrawdownRule r => Drawdown(r, market, detail),
        PortfolioDrawdownRule r => Portfolio(r, market, detail),
        AllOfRule r => string.Join(" and ", r.Rules.Select(c => Phrase(c, market, detail))),
        AnyOfRule r => string.Join(" and ", r.Rules.Where(c => RuleEvaluator.Evaluate(c, market).Kind == VerdictKind.Met).DefaultIfEmpty(r.Rules[0]).Select(c => Phrase(c, market, detail))),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "No text for this rule kind."),
    };

    private static string PriceChange(PriceChangeRule rule, MarketView market, Detail detail)
    {
        var change = market.Change(rule.Asset, rule.WindowSpan);
        var limit = rule.Direction == ChangeDirection.Drop ? -rule.Percent : rule.Percent;
        var observed = change.HasData ? Signed(change.Percent) + "%" : "no data";
        return detail switch
        {
            Detail.Full => Invariant($"{rule.Asset} {observed} in {RuleWindows.Name(rule.Window)} (your limit {Signed(limit)}%){(change.HasData ? ", now " + Usd(change.Current) : "")}"),
            Detail.Brief => Invariant($"{rule.Asset} {observed} in {RuleWindows.Name(rule.Window)} (your limit {Signed(limit)}%)"),
            _ => Invariant($"{rule.Asset} {observed}/{RuleWindows.Name(rule.Window)}"),
        };
    }

    private static string PriceLevel(PriceLevelRule rule, MarketView market, Detail detail)
    {
        var price = market.TryGetCurrent(rule.Asset, out var current) ? Usd(current.Value) : "no data";
        return detail == Detail.Minimal
            ? Invariant($"{rule.Asset} {price}")
            : Invariant($"{rule.Asset} {price} ({(rule.When == PriceComparison.Below ? "below" : "above")} your {Usd(rule.Level)})");
    }

    private static string Sentiment(SentimentRule rule, MarketView market, Detail detail)
    {
        var index = market.TryGetCurrent(Assets.FearAndGreed, out var current) ? current.Value.ToString("0", CultureInfo.InvariantCulture) : "no data";
        return detail == Detail.Minimal
            ? $"F&G {index}"
            : Invariant($"Fear & Greed {index} (your limit {(rule.When == SentimentComparison.AtOrBelow ? "<=" : ">=")} {rule.Value})");
    }

    private static string Depeg(DepegRule rule, MarketView market, Detail detail)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return $"{rule.Asset} no data";
        }

        var off = Math.Abs(current.Value - 1) * 100;
        return detail == Detail.Full
            ? Invariant($"{rule.Asset} at {Usd(current.Value)}, {off:0.0#}% off its $1 peg (your limit {rule.Percent:0.##}%)")
            : Invariant($"{rule.Asset} {off:0.0#}% off peg");
    }

    private static string Drawdown(DrawdownRule rule, MarketView market, Detail detail)
    {
        var drawdown = market.Drawdown(rule.Asset, rule.Days);
        if (!drawdown.HasData)
        {
            return $"{rule.Asset} no data";
        }

        return detail switch
        {
            Detail.Full => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}% from its {rule.Days}d high of {Usd(drawdown.Reference)} (your limit -{rule.Percent:0.##}%), now {Usd(drawdown.Current)}"),
            Detail.Brief => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}% from its {rule.Days}d high (your limit -{rule.Percent:0.##}%)"),
            _ => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}%/{rule.Days}d high"),
        };
    }

    private static string Portfolio(PortfolioDrawdownRule rule, MarketView market, Detail detail)
    {
        // Where to: stablecoins while every one holds its peg, otherwise cash.
        var refuge = AStablecoinIsOffPeg(market) ? "cash" : "stablecoins";
        var value = market.Portfolio(rule.Holdings, rule.Days);
        if (!value.HasData)
        {
            return "portfolio no data";
        }

        var advice = PortfolioAdvice.For(rule.Holdings, rule.MaxRiskPercent, market);
        var move = advice is { Total: > 0.5 } a
            ? detail == Detail.Full && a.PerAsset.Count > 1
                ? Invariant($"; move about {Usd(a.Total)} to {refuge} ({string.Join(", ", a.PerAsset.Take(3).Select(p => $"{p.Asset} {Usd(p.Usd)}"))}) to get back to {rule.MaxRiskPercent:0.#}% risk")
                : Invariant($"; move about {Usd(a.Total)} to {refuge} to get back to {rule.MaxRiskPercent:0.#}% risk")
            : Invariant($"; risk is {advice?.VolatileShare ?? 0:0}%, within your {rule.MaxRiskPercent:0.#}%");
        return detail switch
        {
            Detail.Full => Invariant($"portfolio {Signed(value.DrawdownPercent)}% from its {rule.Days}d high ({Usd(value.High)} to {Usd(value.Now)}){move}"),
            Detail.Brief => Invariant($"portfolio {Signed(value.DrawdownPercent)}% from its {rule.Days}d high{move}"),
            _ => Invariant($"portfolio {Signed(value.DrawdownPercent)}%{(advice is { Total: > 0.5 } b ? $", move ~{Usd(b.Total)} to {refuge}" : "")}"),
        };
    }

    private static string Signed(double value) =>
        value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Usd(double value) => value switch
    {
        >= 100 => "$" + value.ToString("#,##0", CultureInfo.InvariantCulture),
        >= 1 => "$" + value.ToString("0.00", CultureInfo.InvariantCulture),
        > 0 => "$" + value.ToString("F" + Math.Max(4, 3 - (int)Math.Floor(Math.Log10(value))).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        _ => "$0",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>True when every character is in the GSM-7 basic set, so the text is billed in 160-character segments.</summary>
    public static bool IsGsm7(string text) => text.All(c => Gsm7Basic.Contains(c, StringComparison.Ordinal));
}

/// <summary>An alert rendered for email: subject, text part and HTML part.</summary>
public sealed record EmailContent(string Subject, string Text, string Html);
