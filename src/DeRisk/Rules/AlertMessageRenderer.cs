using System.Globalization;
using System.Text;
using DeRisk.Market;
using DeRisk.Tick;

namespace DeRisk.Rules;

/// <summary>
/// Renders what a subscriber reads, from the rules, their states and the tick's market view: one renderer for SMS and
/// email. An SMS stays within one GSM-7 segment (160 characters, no emoji or curly quotes), says what happened against
/// the limit (and, when it fits, the level that re-arms the rule), suggests the action, and ends with how to stop. An
/// email has room for every rule in full: a table of value, limit and re-arm level, and links to manage or stop.
/// </summary>
public static class AlertMessageRenderer
{
    public const int SmsSegmentLength = 160;
    public const string StopFooter = "Reply STOP to end.";

    /// <summary>A price older than this at the tick is shown with its as-of time (the index, which moves daily: a day).</summary>
    public static readonly TimeSpan ShowAsOfAfter = TimeSpan.FromHours(1);

    public static string Sms(RuleSpec rule, MarketView market) => Sms([rule], market);

    /// <summary>One first alert for every rule that fired for a subscriber in one tick, with no state behind them.</summary>
    public static string Sms(IReadOnlyList<RuleSpec> rules, MarketView market) => Sms(Fresh(rules, AlertNews.Fired, market), market, AlertWording.Default);

    public static string AllClear(RuleSpec rule, MarketView market) => AllClear([rule], market);

    public static string AllClear(IReadOnlyList<RuleSpec> rules, MarketView market) => Sms(Fresh(rules, AlertNews.Cleared, market), market, AlertWording.Default);

    /// <summary>One SMS for every item of a subscriber's message: the most detailed phrasing that fits one segment.</summary>
    public static string Sms(IReadOnlyList<AlertItem> items, MarketView market, AlertWording wording)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(wording);
        var closing = Closing(items, market, wording);
        var tail = closing.Length == 0 ? $". {StopFooter}" : $". {closing} {StopFooter}";
        return Fit(Head(items, email: false) + ": ", [Join(items, market, wording, Detail.Explained), Join(items, market, wording, Detail.Full),
            Join(items, market, wording, Detail.Brief), Join(items, market, wording, Detail.Minimal)], tail);
    }

    /// <summary>
    /// The message as an email: a subject, a text part and an HTML part listing every rule in full with its value,
    /// limit and re-arm level, what to do, the data's time, and links to manage or stop the alerts (the console at
    /// <see cref="AlertWording.ConsoleUrl"/>, when there is one).
    /// </summary>
    public static EmailContent Email(IReadOnlyList<AlertItem> items, MarketView market, AlertWording wording)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(wording);
        var head = Head(items, email: true);
        var subject = Subject(head + ": ", [Join(items, market, wording, Detail.Brief, named: false), Join(items, market, wording, Detail.Minimal, named: false)]);
        var rows = items.Select(i => (
            Rule: i.Rule.Name ?? i.RuleId,
            Text: Phrase(i, market, wording, Detail.Full),
            Limit: Limit(i.Rule),
            Rearm: i.IsAlarm ? Rearm(i.Rule) : null)).ToList();
        var closing = Closing(items, market, wording);
        var advice = closing.Length > 0 ? closing : "Your rules are armed again.";
        var asOf = market.Now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var manage = wording.ConsoleUrl is null ? null : new Uri(wording.ConsoleUrl, "#/rules").ToString();
        var stop = wording.ConsoleUrl is null ? null : new Uri(wording.ConsoleUrl, "#/profile").ToString();
        const string Why = "You get this because you set these rules at DeRisk.";
        const string StopHow = "Change or stop your alerts in the DeRisk console, or with the DeRisk API (PUT or DELETE /api/me/rules/{id}, DELETE /api/me).";

        var text = new StringBuilder()
            .Append(head).Append(" (market data as of ").Append(asOf).AppendLine(")").AppendLine();
        foreach (var row in rows)
        {
            text.Append("- ").Append(row.Rule).Append(": ").Append(row.Text);
            if (row.Rearm is not null)
            {
                text.Append(" Re-arms ").Append(row.Rearm).Append('.');
            }

            text.AppendLine();
        }

        text.AppendLine().AppendLine(advice).AppendLine().AppendLine(Why).AppendLine(StopHow);
        if (manage is not null)
        {
            text.Append("Manage your rules: ").AppendLine(manage).Append("Stop alerts: ").AppendLine(stop);
        }

        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>").Append(Html(head)).Append("</h2>")
            .Append("<p>Market data as of ").Append(Html(asOf)).Append(".</p>")
            .Append("<table cellpadding=\"6\" style=\"border-collapse:collapse\"><thead><tr>")
            .Append("<th align=\"left\">Rule</th><th align=\"left\">What happened</th><th align=\"left\">Your limit</th><th align=\"left\">Re-arms</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr><td style=\"border-bottom:1px solid #ddd\">").Append(Html(row.Rule))
                .Append("</td><td style=\"border-bottom:1px solid #ddd\">").Append(Html(row.Text))
                .Append("</td><td style=\"border-bottom:1px solid #ddd\">").Append(Html(row.Limit ?? "-"))
                .Append("</td><td style=\"border-bottom:1px solid #ddd\">").Append(Html(row.Rearm ?? "-")).Append("</td></tr>");
        }

        html.Append("</tbody></table><p><strong>").Append(Html(advice)).Append("</strong></p><p style=\"color:#555\">").Append(Html(Why)).Append(' ').Append(Html(StopHow));
        if (manage is not null)
        {
            html.Append("<br><a href=\"").Append(Html(manage)).Append("\">Manage your rules</a> &middot; <a href=\"").Append(Html(stop!)).Append("\">Stop alerts</a>");
        }

        html.Append("</p></body></html>");
        return new EmailContent(subject, text.ToString(), html.ToString());
    }

    /// <summary>First alerts (or all-clears) of rules with no state behind them, for the simple overloads.</summary>
    private static List<AlertItem> Fresh(IReadOnlyList<RuleSpec> rules, AlertNews news, MarketView market) =>
        rules.Select((r, i) => new AlertItem(i.ToString(CultureInfo.InvariantCulture), r, AlertState.Initial("", i.ToString(CultureInfo.InvariantCulture)), news,
            news == AlertNews.Fired && r.IsCriticalOn(market))).ToList();

    /// <summary>
    /// "DeRisk" for alarms ("DeRisk, 3 alerts" for several), "DeRisk digest" when news held back by the daily cap is in
    /// it, "DeRisk all clear" for all-clears only, "DeRisk overnight" for news that cleared while held back.
    /// </summary>
    private static string Head(IReadOnlyList<AlertItem> items, bool email)
    {
        var alarm = items.Any(i => i.IsAlarm);
        var digest = items.Any(i => i.State.Held == HoldReason.DailyCap && i.News is AlertNews.StillFiring or AlertNews.ClearedMeanwhile);
        var label = digest ? "DeRisk digest"
            : alarm ? (email && items.Count == 1 ? "DeRisk alert" : "DeRisk")
            : items.All(i => i.News == AlertNews.Cleared) ? "DeRisk all clear"
            : "DeRisk overnight";
        return alarm && items.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"{label}, {items.Count} alerts") : label;
    }

    /// <summary>What to do, from the items in alarm; for all-clears only, whether a fall has merely slowed.</summary>
    private static string Closing(IReadOnlyList<AlertItem> items, MarketView market, AlertWording wording)
    {
        var alarms = items.Where(i => i.IsAlarm).ToList();
        if (alarms.Count > 0)
        {
            return Advice(alarms, market, wording);
        }

        return items.Any(i => FallOnlySlowed(i, market)) ? "The fall has slowed; prices have not recovered." : "";
    }

    /// <summary>
    /// A broken stablecoin first; a rise is a time to take some profit, not to flee; otherwise the refuges that hold
    /// their peg now (Advice:Refuges, in order), never one off its peg or one whose depeg just fired, else cash.
    /// </summary>
    private static string Advice(List<AlertItem> alarms, MarketView market, AlertWording wording)
    {
        var refuge = Refuge(market, wording, alarms.Select(a => a.Rule).ToList());
        if (alarms.Any(a => a.Critical))
        {
            var who = alarms.Count == 1 ? "Your stablecoin" : "A stablecoin";
            return refuge is null ? $"{who} may not hold; consider cash." : $"{who} may not hold; consider cash or {refuge}.";
        }

        if (alarms.All(a => a.Rule.IsRise))
        {
            return "Consider taking some profit.";
        }

        if (alarms.All(a => a.Rule is SentimentRule))
        {
            return "Consider reducing risk.";
        }

        if (refuge is not null)
        {
            return $"Consider moving to {refuge}.";
        }

        return OffPeg(market) is { } broken ? $"Consider cash: {broken} is off its peg." : "Consider moving to cash.";
    }

    /// <summary>
    /// Up to two refuges, in the configured order, that hold their peg on this market (within
    /// <see cref="PortfolioAdvice.PegTolerancePercent"/> of $1, with data) and are not the subject of a depeg rule in the message.
    /// </summary>
    public static string? Refuge(MarketView market, AlertWording wording, IReadOnlyList<RuleSpec> rules)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(wording);
        var watched = rules.SelectMany(r => r.Leaves()).OfType<DepegRule>().Select(d => d.Asset).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = wording.Refuges
            .Where(r => !watched.Contains(r) && market.TryGetCurrent(r, out var price) && PortfolioAdvice.HoldsPeg(price.Value))
            .Take(2).ToList();
        return names.Count == 0 ? null : string.Join(" or ", names);
    }

    /// <summary>The first stablecoin in this market more than <see cref="PortfolioAdvice.PegTolerancePercent"/> off $1.00.</summary>
    public static string? OffPeg(MarketView market) =>
        market.Snapshot.Quotes.FirstOrDefault(q => Assets.IsStablecoin(q.Asset) && market.TryGetCurrent(q.Asset, out var price) && !PortfolioAdvice.HoldsPeg(price.Value))?.Asset;

    /// <summary>A drop rule's all-clear while its asset is still below its price at the alert: the fall slowed, it did not reverse.</summary>
    private static bool FallOnlySlowed(AlertItem item, MarketView market) =>
        item.News is AlertNews.Cleared or AlertNews.ClearedMeanwhile
        && item.Rule.Leaves().OfType<PriceChangeRule>().Any(r => r.Direction == ChangeDirection.Drop
            && item.State.PriceAtAlert(r.Asset) is { } atAlert && market.TryGetCurrent(r.Asset, out var now) && now.Value < atAlert);

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

    /// <summary>The items' phrases; above brief detail each named rule is introduced by its name, when the name is plain GSM-7 text.</summary>
    private static string Join(IReadOnlyList<AlertItem> items, MarketView market, AlertWording wording, Detail detail, bool named = true) =>
        string.Join("; ", items.Select(i => named && detail <= Detail.Full && i.Rule.Name is { } name && IsGsm7(name)
            ? $"{name}: {Phrase(i, market, wording, detail)}"
            : Phrase(i, market, wording, detail)));

    /// <summary>From most to least detailed: Explained adds the re-arm level to Full.</summary>
    private enum Detail
    {
        Explained,
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

        // Cut at the last whole phrase that fits, never inside a number ("BTC -2..."); else at a space.
        var room = Math.Max(0, SmsSegmentLength - head.Length - tail.Length - 3);
        var last = phrases[^1];
        var cut = last.LastIndexOf("; ", Math.Min(room, last.Length - 1), StringComparison.Ordinal);
        if (cut <= 0)
        {
            cut = last.LastIndexOf(' ', Math.Min(room, last.Length - 1));
        }

        return head + last[..(cut > 0 ? cut : room)] + "..." + tail;
    }

    /// <summary>What one item says, by its news: the alarm, how much worse, since when, or what cleared and where the market stands.</summary>
    private static string Phrase(AlertItem item, MarketView market, AlertWording wording, Detail detail)
    {
        var rule = item.Rule;
        var full = detail == Detail.Explained ? Detail.Full : detail;
        switch (item.News)
        {
            case AlertNews.Escalated:
                var was = detail != Detail.Minimal && rule.CanEscalate && item.State.FiredObserved is { } first ? $", was {Observed(rule, first)} at the first alert" : "";
                return (rule.IsRise ? "further: " : "worse: ") + Phrase(rule, market, full, wording) + was;
            case AlertNews.StillFiring:
                return Phrase(rule, market, full, wording) + (detail == Detail.Minimal ? "" : " since " + Local(item.State.ChangedAt, market.Now, wording.Zone));
            case AlertNews.Cleared:
                return Cleared(rule, item.State, market, full);
            case AlertNews.ClearedMeanwhile:
                var what = item.State.HeldLine ?? Phrase(rule, market, Detail.Minimal, wording);
                var when = item.State.HeldSince is { } since ? " at " + Local(since, market.Now, wording.Zone) : "";
                var now = detail <= Detail.Full && Primary(rule) is { } asset && market.TryGetCurrent(asset, out var price) ? $", {asset} now {Usd(price.Value)}" : "";
                return detail == Detail.Minimal ? what + " cleared" : $"{what}{when}, since cleared{now}";
            default:
                var rearm = detail == Detail.Explained && Rearm(rule) is { } level ? ", re-arms " + level : "";
                return Phrase(rule, market, full, wording) + rearm;
        }
    }

    /// <summary>A local time: "02:41" on the tick's local day, else "Jun 14 02:41".</summary>
    private static string Local(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone);
        return local.ToString(local.Date == today.Date ? "HH:mm" : "MMM d HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>A leaf rule's watched asset (not the index), for "now $X".</summary>
    private static string? Primary(RuleSpec rule) => rule.Symbols.FirstOrDefault(s => s != Assets.FearAndGreed);

    /// <summary>A verdict's observed value as the rule's phrases write it: "-11.6%", "3.0% off".</summary>
    private static string Observed(RuleSpec rule, double observed) => rule switch
    {
        DepegRule => Invariant($"{observed:0.0#}% off"),
        _ => Signed(observed) + "%",
    };

    /// <summary>The rule's limit as a table cell, e.g. "-10% in 24h", "below $30,000".</summary>
    private static string? Limit(RuleSpec rule) => rule switch
    {
        PriceChangeRule r => Invariant($"{Signed(r.Direction == ChangeDirection.Drop ? -r.Percent : r.Percent)}% in {RuleWindows.Name(r.Window)}"),
        PriceLevelRule r => Invariant($"{(r.When == PriceComparison.Below ? "below" : "above")} {Usd(r.Level)}"),
        SentimentRule r => Invariant($"{(r.When == SentimentComparison.AtOrBelow ? "<=" : ">=")} {r.Value}"),
        DepegRule r => Invariant($"more than {r.Percent:0.##}% off $1"),
        DrawdownRule r => Invariant($"-{r.Percent:0.##}% from the {r.Days}d high"),
        PortfolioDrawdownRule r => Invariant($"-{r.Percent:0.##}% from the {r.Days}d high"),
        AllOfRule r => string.Join(" and ", r.Rules.Select(c => Limit(c))),
        AnyOfRule r => string.Join(" or ", r.Rules.Select(c => Limit(c))),
        _ => null,
    };

    /// <summary>Where the rule re-arms (resolves), from the evaluator's hysteresis margins: "above $30,300".</summary>
    public static string? Rearm(RuleSpec rule) => rule switch
    {
        PriceChangeRule r => Invariant($"{(r.Direction == ChangeDirection.Drop ? "above" : "below")} {Signed((r.Direction == ChangeDirection.Drop ? -r.Percent : r.Percent) * RuleEvaluator.ChangeRecovery)}% in {RuleWindows.Name(r.Window)}"),
        PriceLevelRule r => r.When == PriceComparison.Below
            ? "above " + Usd(r.Level * (1 + RuleEvaluator.LevelRecovery))
            : "below " + Usd(r.Level * (1 - RuleEvaluator.LevelRecovery)),
        SentimentRule r => Invariant($"at {(r.When == SentimentComparison.AtOrBelow ? r.Value + RuleEvaluator.SentimentRecovery : r.Value - RuleEvaluator.SentimentRecovery)}"),
        DepegRule r => Invariant($"within {r.Percent * RuleEvaluator.DepegRecovery:0.##}% of $1"),
        DrawdownRule r => Invariant($"above {Signed(-r.Percent * RuleEvaluator.ChangeRecovery)}% from the high"),
        PortfolioDrawdownRule r => Invariant($"above {Signed(-r.Percent * RuleEvaluator.ChangeRecovery)}% from the high"),
        _ => null,
    };

    private static string Phrase(RuleSpec rule, MarketView market, Detail detail, AlertWording wording) => rule switch
    {
        PriceChangeRule r => PriceChange(r, market, detail),
        PriceLevelRule r => PriceLevel(r, market, detail),
        SentimentRule r => Sentiment(r, market, detail),
        DepegRule r => Depeg(r, market, detail),
        DrawdownRule r => Drawdown(r, market, detail),
        PortfolioDrawdownRule r => Portfolio(r, market, detail, wording),
        AllOfRule r => string.Join(" and ", r.Rules.Select(c => Phrase(c, market, detail, wording))),
        AnyOfRule r => string.Join(" and ", r.Rules.Where(c => RuleEvaluator.Evaluate(c, market).Kind == VerdictKind.Met).DefaultIfEmpty(r.Rules[0]).Select(c => Phrase(c, market, detail, wording))),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "No text for this rule kind."),
    };

    /// <summary>
    /// What cleared and where the market stands against the alert: a window rule's move has eased (not "all is well"),
    /// with the price now against the price at the alert; a combination names only the conditions that cleared.
    /// </summary>
    private static string Cleared(RuleSpec rule, AlertState state, MarketView market, Detail detail) => rule switch
    {
        PriceChangeRule r => ClearedChange(r, state, market, detail),
        PriceLevelRule r => ClearedLevel(r, state, market, detail),
        SentimentRule r => ClearedSentiment(r, state, market, detail),
        DepegRule r => ClearedDepeg(r, state, market, detail),
        DrawdownRule r => ClearedDrawdown(r, state, market, detail),
        PortfolioDrawdownRule r => ClearedPortfolio(r, state, market, detail),
        AllOfRule r => string.Join(" and ", r.Rules.Where(c => RuleEvaluator.Evaluate(c, market).Kind != VerdictKind.Met).DefaultIfEmpty(r.Rules[0]).Select(c => Cleared(c, state, market, detail))),
        AnyOfRule r => string.Join(" and ", FiredChildren(r, state).Select(c => Cleared(c, state, market, detail))),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "No text for this rule kind."),
    };

    /// <summary>", below $22,461 at the alert" (or above), when the price at the alert is known.</summary>
    private static string AgainstAlert(string asset, double now, AlertState state) =>
        state.PriceAtAlert(asset) is { } atAlert ? Invariant($", {(now < atAlert ? "below" : now > atAlert ? "above" : "at")} {Usd(atAlert)} at the alert") : "";

    private static string ClearedChange(PriceChangeRule rule, AlertState state, MarketView market, Detail detail)
    {
        var change = market.Change(rule.Asset, rule.WindowSpan);
        if (!change.HasData)
        {
            return $"{rule.Asset} no data";
        }

        var drop = rule.Direction == ChangeDirection.Drop;
        var limit = drop ? -rule.Percent : rule.Percent;
        var window = RuleWindows.Name(rule.Window);

        // A move that has only eased says so ("fall eased to -1.5%"); one that turned says that instead.
        var turned = drop ? change.Percent >= 0 : change.Percent <= 0;
        var eased = turned
            ? Invariant($"{rule.Asset} turned {(drop ? "up" : "down")}, {Signed(change.Percent)}% in {window}")
            : Invariant($"{rule.Asset} {window} {(drop ? "fall" : "rise")} eased to {Signed(change.Percent)}%");
        return detail switch
        {
            Detail.Full => Invariant($"{eased} (your limit {Signed(limit)}%); now {Usd(change.Current)}{AgainstAlert(rule.Asset, change.Current, state)}"),
            Detail.Brief => Invariant($"{eased}, now {Usd(change.Current)}{AgainstAlert(rule.Asset, change.Current, state)}"),
            _ => Invariant($"{rule.Asset} {Signed(change.Percent)}%/{window}, now {Usd(change.Current)}"),
        };
    }

    private static string ClearedLevel(PriceLevelRule rule, AlertState state, MarketView market, Detail detail)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return $"{rule.Asset} no data";
        }

        var side = rule.When == PriceComparison.Below ? "above" : "below";
        var was = detail == Detail.Full && state.PriceAtAlert(rule.Asset) is { } atAlert ? $", was {Usd(atAlert)} at the alert" : "";
        return detail == Detail.Minimal
            ? Invariant($"{rule.Asset} {Usd(current.Value)}")
            : Invariant($"{rule.Asset} back {side} your {Usd(rule.Level)}: now {Usd(current.Value)}{was}");
    }

    private static string ClearedSentiment(SentimentRule rule, AlertState state, MarketView market, Detail detail)
    {
        if (!market.TryGetCurrent(Assets.FearAndGreed, out var current))
        {
            return "Fear & Greed no data";
        }

        var index = current.Value.ToString("0", CultureInfo.InvariantCulture);
        var was = detail == Detail.Full && state.PriceAtAlert(Assets.FearAndGreed) is { } atAlert ? Invariant($", {atAlert:0} at the alert") : "";
        return detail == Detail.Minimal
            ? $"F&G {index}"
            : Invariant($"Fear & Greed back to {index} (your limit {(rule.When == SentimentComparison.AtOrBelow ? "<=" : ">=")} {rule.Value}){was}");
    }

    private static string ClearedDepeg(DepegRule rule, AlertState state, MarketView market, Detail detail)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return $"{rule.Asset} no data";
        }

        var off = Math.Abs(current.Value - 1) * 100;
        var was = detail == Detail.Full && state.PriceAtAlert(rule.Asset) is { } atAlert ? $", was {Usd(atAlert)} at the alert" : "";
        return detail == Detail.Minimal
            ? Invariant($"{rule.Asset} {off:0.0#}% off peg")
            : Invariant($"{rule.Asset} back to {Usd(current.Value)}, {off:0.0#}% off its $1 peg{was}");
    }

    private static string ClearedDrawdown(DrawdownRule rule, AlertState state, MarketView market, Detail detail)
    {
        var drawdown = market.Drawdown(rule.Asset, rule.Days);
        if (!drawdown.HasData)
        {
            return $"{rule.Asset} no data";
        }

        return detail switch
        {
            Detail.Full => Invariant($"{rule.Asset} back to {Signed(drawdown.Percent)}% from its {rule.Days}d high (your limit -{rule.Percent:0.##}%); now {Usd(drawdown.Current)}{AgainstAlert(rule.Asset, drawdown.Current, state)}"),
            Detail.Brief => Invariant($"{rule.Asset} back to {Signed(drawdown.Percent)}% from its {rule.Days}d high"),
            _ => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}%/{rule.Days}d high"),
        };
    }

    private static string ClearedPortfolio(PortfolioDrawdownRule rule, AlertState state, MarketView market, Detail detail)
    {
        var value = market.Portfolio(rule.Holdings, rule.Days);
        if (!value.HasData)
        {
            return "portfolio no data";
        }

        var was = detail == Detail.Full && state.PriceAtAlert(PortfolioMark) is { } atAlert ? $", was {Usd(atAlert)} at the alert" : "";
        return detail == Detail.Minimal
            ? Invariant($"portfolio {Signed(value.DrawdownPercent)}%")
            : Invariant($"portfolio back to {Signed(value.DrawdownPercent)}% from its {rule.Days}d high, now {Usd(value.Now)}{was}");
    }

    /// <summary>The rule's shortest phrase on this market, e.g. "BTC -11.6%/24h": what a held-back alert said, for a later summary.</summary>
    public static string Line(RuleSpec rule, MarketView market) => Phrase(rule, market, Detail.Minimal, AlertWording.Default);

    /// <summary>The key prefix marking an anyOf child that was met at the alert ("$met0", "$met2").</summary>
    public const string MetMark = "$met";

    /// <summary>The children of an anyOf that were met at its alert; all of them when that was not recorded.</summary>
    private static IEnumerable<RuleSpec> FiredChildren(AnyOfRule rule, AlertState state)
    {
        var fired = rule.Rules.Where((_, i) => state.PriceAtAlert(MetMark + i.ToString(CultureInfo.InvariantCulture)) is not null).ToList();
        return fired.Count > 0 ? fired : rule.Rules;
    }

    /// <summary>The key under which a portfolio's value at the alert is kept with the prices.</summary>
    public const string PortfolioMark = "$portfolio";

    /// <summary>The prices (and a portfolio's value) the rule reads, as at its alert: kept to compare the all-clear against.</summary>
    public static string? MarksOf(RuleSpec rule, MarketView market)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(market);
        var marks = new List<(string, double)>();
        foreach (var symbol in rule.Symbols)
        {
            if (market.TryGetCurrent(symbol, out var price))
            {
                marks.Add((symbol, price.Value));
            }
        }

        // Which children of an anyOf fired it, so that its all-clear names those and not the ones that never moved.
        if (rule is AnyOfRule any)
        {
            for (var i = 0; i < any.Rules.Count; i++)
            {
                if (RuleEvaluator.Evaluate(any.Rules[i], market).Kind == VerdictKind.Met)
                {
                    marks.Add((MetMark + i.ToString(CultureInfo.InvariantCulture), 1));
                }
            }
        }

        if (rule.Leaves().OfType<PortfolioDrawdownRule>().FirstOrDefault() is { } portfolio && market.Portfolio(portfolio.Holdings, portfolio.Days) is { HasData: true } value)
        {
            marks.Add((PortfolioMark, value.Now));
        }

        return AlertMarks.Format(marks);
    }

    /// <summary>" (data of Jun 14 00:00 UTC)" when the asset's value is older than <see cref="ShowAsOfAfter"/> (a day for the index).</summary>
    private static string AsOf(string asset, MarketView market)
    {
        var limit = asset == Assets.FearAndGreed ? TimeSpan.FromDays(1) : ShowAsOfAfter;
        return market.TryGetCurrent(asset, out var current) && market.Now - current.AsOf > limit
            ? " (data of " + current.AsOf.UtcDateTime.ToString("MMM d HH:mm", CultureInfo.InvariantCulture) + " UTC)"
            : "";
    }

    private static string PriceChange(PriceChangeRule rule, MarketView market, Detail detail)
    {
        var change = market.Change(rule.Asset, rule.WindowSpan);
        var limit = rule.Direction == ChangeDirection.Drop ? -rule.Percent : rule.Percent;
        var observed = change.HasData ? Signed(change.Percent) + "%" : "no data";
        return detail switch
        {
            Detail.Full => Invariant($"{rule.Asset} {observed} in {RuleWindows.Name(rule.Window)} (your limit {Signed(limit)}%){(change.HasData ? ", now " + Usd(change.Current) + AsOf(rule.Asset, market) : "")}"),
            Detail.Brief => Invariant($"{rule.Asset} {observed} in {RuleWindows.Name(rule.Window)} (your limit {Signed(limit)}%)"),
            _ => Invariant($"{rule.Asset} {observed}/{RuleWindows.Name(rule.Window)}"),
        };
    }

    private static string PriceLevel(PriceLevelRule rule, MarketView market, Detail detail)
    {
        var price = market.TryGetCurrent(rule.Asset, out var current) ? Usd(current.Value) : "no data";
        return detail switch
        {
            Detail.Minimal => Invariant($"{rule.Asset} {price}"),
            Detail.Full => Invariant($"{rule.Asset} {price} ({(rule.When == PriceComparison.Below ? "below" : "above")} your {Usd(rule.Level)}){AsOf(rule.Asset, market)}"),
            _ => Invariant($"{rule.Asset} {price} ({(rule.When == PriceComparison.Below ? "below" : "above")} your {Usd(rule.Level)})"),
        };
    }

    private static string Sentiment(SentimentRule rule, MarketView market, Detail detail)
    {
        var index = market.TryGetCurrent(Assets.FearAndGreed, out var current) ? current.Value.ToString("0", CultureInfo.InvariantCulture) : "no data";
        return detail switch
        {
            Detail.Minimal => $"F&G {index}",
            Detail.Full => Invariant($"Fear & Greed {index} (your limit {(rule.When == SentimentComparison.AtOrBelow ? "<=" : ">=")} {rule.Value}){AsOf(Assets.FearAndGreed, market)}"),
            _ => Invariant($"Fear & Greed {index} (your limit {(rule.When == SentimentComparison.AtOrBelow ? "<=" : ">=")} {rule.Value})"),
        };
    }

    private static string Depeg(DepegRule rule, MarketView market, Detail detail)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return $"{rule.Asset} no data";
        }

        var off = Math.Abs(current.Value - 1) * 100;
        return detail switch
        {
            Detail.Full => Invariant($"{rule.Asset} at {Usd(current.Value)}, {off:0.0#}% off its $1 peg (your limit {rule.Percent:0.##}%){AsOf(rule.Asset, market)}"),
            Detail.Brief => Invariant($"{rule.Asset} {off:0.0#}% off peg (limit {rule.Percent:0.##}%)"),
            _ => Invariant($"{rule.Asset} {off:0.0#}% off peg"),
        };
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
            Detail.Full => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}% from its {rule.Days}d high of {Usd(drawdown.Reference)} (your limit -{rule.Percent:0.##}%), now {Usd(drawdown.Current)}{AsOf(rule.Asset, market)}"),
            Detail.Brief => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}% from its {rule.Days}d high (your limit -{rule.Percent:0.##}%)"),
            _ => Invariant($"{rule.Asset} {Signed(drawdown.Percent)}%/{rule.Days}d high"),
        };
    }

    private static string Portfolio(PortfolioDrawdownRule rule, MarketView market, Detail detail, AlertWording wording)
    {
        // Where to: the first refuge that holds its peg now, otherwise cash.
        var refuge = Refuge(market, wording, [rule])?.Split(" or ")[0] ?? "cash";
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
            _ => Invariant($"portfolio {Signed(value.DrawdownPercent)}%{(advice is { Total: > 0.5 } b ? $", move about {Usd(b.Total)} to {refuge}" : "")}"),
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
