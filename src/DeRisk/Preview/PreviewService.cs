using System.Globalization;
using System.Text.Json;
using DeRisk.Backtest;
using DeRisk.Contracts;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.SignUp;
using DeRisk.Subscribers;
using DeRisk.Tick;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Preview;

/// <summary>
/// "What would this rule have sent?": replays one rule (or one combination), parsed exactly as <c>POST /api/me/rules</c>
/// parses it, through the <see cref="Backtester"/> — the same evaluator, lifecycle and tick planner the functions use,
/// with the subscriber's own time zone, quiet hours and daily cap — over the real daily history shipped with the app.
/// Bounded in cost (at most <see cref="PreviewOptions.MaxDays"/> daily ticks) and rate-limited per subscriber; a
/// refused request (400 or 429) counts against no limit and nothing is written but the limit's counter.
/// </summary>
/// <remarks>
/// The history is always the shipped one (<see cref="ReplayDataset.Default"/>), also in live mode: the live market
/// tables hold polled history for the alert windows, not years of it.
/// </remarks>
public sealed class PreviewService(
    SubscriberStore subscribers,
    RateLimiter limiter,
    IOptions<MarketOptions> market,
    IOptions<PreviewOptions> options,
    IOptions<AdviceOptions> advice,
    ILogger<PreviewService> logger)
{
    /// <summary>The named ranges, ending on the last day of history the rule's assets all have.</summary>
    public const string Last30Days = "last30Days";

    /// <inheritdoc cref="Last30Days"/>
    public const string LastYear = "lastYear";

    /// <summary>Where the previewed history comes from.</summary>
    public const string Source = "shipped history";

    private const string RuleId = "preview";
    public async Task<ApiOutcome<PreviewView>> PreviewAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<PreviewRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<PreviewView>.Invalid(read.Errors);
        }

        var request = read.Value!;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var parsed = new RuleParser(market.Value.IsTracked, market.Value.TrackedAssets.Select(a => a.Symbol).ToList()).Parse(request.Rule);
        foreach (var (field, messages) in parsed.Errors)
        {
            errors[field == "$" ? "rule" : "rule." + field] = messages;
        }

        var spec = parsed.Rule;
        var range = ReadRange(request, spec, errors);
        if (errors.Count > 0 || spec is null || range is not { } days)
        {
            return new ApiOutcome<PreviewView>.Invalid(errors);
        }

        var subscriber = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (subscriber is null)
        {
            return new ApiOutcome<PreviewView>.NotFound("Subscriber not found");
        }

        var limit = await limiter.TryAcquireAsync("preview-subscriber", subscriberId, options.Value.PerSubscriberPerHour, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        if (!limit.Allowed)
        {
            PreviewLog.PreviewLimited(logger, subscriberId);
            return new ApiOutcome<PreviewView>.Limited(limit.RetryAfter, string.Create(CultureInfo.InvariantCulture, $"At most {options.Value.PerSubscriberPerHour} previews an hour; try again later."));
        }

        var report = new Backtester(ReplayDataset.Default, market.Value, advice.Value.Wording(null))
            .Run(new BacktestRules(subscriber.Delivery, [new StoredRule(RuleId, spec, default)]), BacktestRange.Daily(days.From, days.To));
        var firedAt = report.Episodes.Select(e => e.FiredAt).ToHashSet();
        var markers = report.Notifications
            .Select(n => new PreviewMarker(n.Time, n.DeliverAt, KindOf(n, firedAt), n.Critical, n.Text))
            .ToList();
        var summary = report.Rules.Single();
        PreviewLog.Previewed(logger, subscriberId, spec.KindName, days.From, days.To, markers.Count);
        return new ApiOutcome<PreviewView>.Ok(new PreviewView(days.From, days.To, Source, SeriesOf(spec, days.From, days.To), markers,
            new PreviewSummary(summary.Notifications, summary.Episodes, summary.Resolved, summary.NoDataTicks, report.Capped)));
    }

    /// <summary>The first and last day the shipped history holds for every one of the rule's assets (null when one has none).</summary>
    public static (DateOnly First, DateOnly Last)? HistoryOf(RuleSpec spec)
    {
        DateOnly? first = null, last = null;
        foreach (var symbol in spec.Symbols)
        {
            var series = ReplayDataset.Default.Series(symbol);
            if (series.Count == 0)
            {
                return null;
            }

            var (from, to) = (Assets.DayOf(series[0].AsOf), Assets.DayOf(series[^1].AsOf));
            first = first is { } f && f > from ? f : from;
            last = last is { } l && l < to ? l : to;
        }

        return first is { } a && last is { } b && a <= b ? (a, b) : null;
    }

    /// <summary>"from"/"to" (yyyy-MM-dd, both or neither) or a named "range"; checked against the cost bound and the history.</summary>
    private (DateOnly From, DateOnly To)? ReadRange(PreviewRequest request, RuleSpec? spec, Dictionary<string, string[]> errors)
    {
        var (named, from, to) = (request.Range, request.From, request.To);
        var hasDates = from is not null || to is not null;
        if (named is not null && hasDates)
        {
            errors["range"] = ["Give either a named range or from and to, not both."];
            return null;
        }

        if (named is null && !hasDates)
        {
            errors["range"] = [$"Required: \"{Last30Days}\" or \"{LastYear}\", or from and to (yyyy-MM-dd)."];
            return null;
        }

        if (named is not null && named is not (Last30Days or LastYear))
        {
            errors["range"] = [$"Must be \"{Last30Days}\" or \"{LastYear}\"."];
            return null;
        }

        if (named is null && (from is null || to is null))
        {
            errors[from is null ? "from" : "to"] = ["Required with the other end of the range (yyyy-MM-dd)."];
            return null;
        }

        // What the range says by itself is checked whatever the rule: every mistake at once.
        if (named is null && to < from)
        {
            errors["to"] = ["Must be on or after from."];
            return null;
        }

        if (spec is null)
        {
            return null;
        }

        if (HistoryOf(spec) is not { } history)
        {
            errors["rule"] = ["The shipped history holds no common days for this rule's assets."];
            return null;
        }

        if (named is not null)
        {
            return (history.Last.AddDays(named == Last30Days ? -29 : -364), history.Last);
        }

        var (start, end) = (from!.Value, to!.Value);
        if (end < start)
        {
            errors["to"] = ["Must be on or after from."];
            return null;
        }

        if (end.DayNumber - start.DayNumber + 1 > options.Value.MaxDays)
        {
            errors["to"] = [string.Create(CultureInfo.InvariantCulture, $"A preview covers at most {options.Value.MaxDays} days.")];
            return null;
        }

        if (end < history.First || start > history.Last)
        {
            errors["from"] = [string.Create(CultureInfo.InvariantCulture,
                $"No history for {string.Join(", ", spec.Symbols)} in that range: the shipped history runs from {history.First:yyyy-MM-dd} to {history.Last:yyyy-MM-dd}.")];
            return null;
        }

        return (start, end);
    }

    /// <summary>Each watched asset's (and Fear &amp; Greed's) last value of each day in the range.</summary>
    private static List<PreviewSeries> SeriesOf(RuleSpec spec, DateOnly from, DateOnly to) =>
        spec.Symbols
            .Select(symbol => new PreviewSeries(symbol, symbol == Assets.FearAndGreed ? "index" : "USD",
                ReplayDataset.Default.Series(symbol)
                    .Where(p => Assets.DayOf(p.AsOf) >= from && Assets.DayOf(p.AsOf) <= to)
                    .GroupBy(p => Assets.DayOf(p.AsOf))
                    .Select(g => new PreviewPoint(g.Key, g.MaxBy(p => p.AsOf).Value))
                    .ToList()))
            .ToList();

    /// <summary>A marker's kind from the message's: "fire" opened an episode, "resolve" said all clear, "escalate" said worse, "repeat" repeated; held-back news is "digest" or "overnight".</summary>
    private static string KindOf(BacktestNotification notification, HashSet<DateTimeOffset> firedAt) => notification.Kind switch
    {
        "allClear" => "resolve",
        "escalation" => "escalate",
        "digest" or "overnight" => notification.Kind,
        _ => firedAt.Contains(notification.Time) ? "fire" : "repeat",
    };


}
