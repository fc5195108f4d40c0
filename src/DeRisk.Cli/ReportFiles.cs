using System.Globalization;
using System.Text.Json;
using DeRisk.Backtest;
using DeRisk.Market;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace DeRisk.Cli;

/// <summary>The backtest's files: the notifications as JSON, and a chart of the watched assets with each rule's messages on it.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>One marker shape and one colour per rule: the pair (i mod 7, i mod 10) differs for the first 70 rules.</summary>
    private static readonly MarkerShape[] Shapes =
    [
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.FilledTriangleDown, MarkerShape.Cross, MarkerShape.Eks,
    ];

    private static readonly Color[] MarkerColors = new ScottPlot.Palettes.Category10().Colors;

    /// <summary>The watched series' lines: muted, so the markers stand out.</summary>
    private static readonly Color[] LineColors =
    [
        Colors.DimGray, Colors.DarkGoldenRod, Colors.DarkSlateGray, Colors.RosyBrown, Colors.CadetBlue, Colors.DarkKhaki,
    ];

    private static readonly Color SentimentColor = Colors.SteelBlue;

    /// <summary>Marker sizes in turn, so that a later rule's marker stays visible on top of an earlier one's at the same message.</summary>
    private static readonly float[] MarkerSizes = [15, 11, 8];

    public static void WriteJson(BacktestReport report, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            from = report.Range.From,
            to = report.Range.To,
            notifications = report.Notifications,
            rules = report.Rules,
            episodes = report.Episodes,
            capped = report.Capped,
            kinds = report.Kinds,
        }, Json));

    public static void WriteChart(BacktestReport report, BacktestRules rules, ReplayDataset data, string path) =>
        Chart(report, rules, data).SavePng(path, 1400, 800);

    /// <summary>
    /// Each asset the rules watch on its own Y axis (Fear &amp; Greed on 0-100 when a rule reads it), fitted to the
    /// data in the range; a marker at each message, one style per rule, on the line of the series the rule watches;
    /// a legend naming the series and the rules; ISO dates along the bottom.
    /// </summary>
    internal static Plot Chart(BacktestReport report, BacktestRules rules, ReplayDataset data)
    {
        var plot = new Plot();

        // Before any limits are set: replacing the bottom axis autoscales every axis.
        var dates = plot.Axes.DateTimeTicksBottom();
        dates.TickGenerator = new DateTimeAutomatic { LabelFormatter = d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        plot.Title($"DeRisk backtest {report.Range.From:yyyy-MM-dd} to {report.Range.To:yyyy-MM-dd}");
        var from = report.Range.Start.AddDays(-1);
        var to = report.Range.End.AddDays(1);

        // Price assets first (in the order the rules name them), Fear & Greed last.
        var watched = rules.Rules.SelectMany(r => r.Spec.Symbols)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(s => s == Assets.FearAndGreed ? 1 : 0)
            .ToList();
        var axes = new Dictionary<string, IYAxis>(StringComparer.OrdinalIgnoreCase);
        foreach (var symbol in watched)
        {
            var points = data.Series(symbol).Where(p => p.AsOf >= from && p.AsOf <= to).ToArray();
            if (points.Length == 0)
            {
                continue; // nothing to draw; the command warns about rules on assets without data
            }

            var axis = NextAxis(plot, axes.Count);
            var color = symbol == Assets.FearAndGreed ? SentimentColor : LineColors[axes.Count % LineColors.Length];
            var line = plot.Add.ScatterLine(points.Select(p => p.AsOf.UtcDateTime.ToOADate()).ToArray(), points.Select(p => p.Value).ToArray());
            line.Axes.YAxis = axis;
            line.Color = symbol == Assets.FearAndGreed ? color.WithAlpha(0.4) : color;
            line.LineWidth = symbol == Assets.FearAndGreed ? 1 : 1.5f;
            line.LegendText = SeriesLabel(symbol);
            axis.Label.Text = SeriesLabel(symbol);
            axis.Label.ForeColor = color;
            axis.TickLabelStyle.ForeColor = color;
            var (bottom, top) = symbol == Assets.FearAndGreed ? (0d, 100d) : Fit(points.Min(p => p.Value), points.Max(p => p.Value));
            plot.Axes.SetLimitsY(bottom, top, axis);
            axes[symbol] = axis;
        }

        if (axes.Count == 0)
        {
            plot.Axes.Left.Label.Text = "no history for the watched assets in this range";
        }

        for (var i = 0; i < rules.Rules.Count; i++)
        {
            var rule = rules.Rules[i];
            var anchor = rule.Spec.Symbols.OrderBy(s => s == Assets.FearAndGreed ? 1 : 0).FirstOrDefault(axes.ContainsKey);
            var times = report.Notifications.Where(n => n.RuleIds.Contains(rule.Id, StringComparer.Ordinal)).Select(n => n.Time).ToList();
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var time in times)
            {
                if (anchor is not null && data.LatestAtOrBefore(anchor, time) is { } point)
                {
                    xs.Add(time.UtcDateTime.ToOADate());
                    ys.Add(point.Value);
                }
            }

            var markers = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            markers.MarkerShape = Shapes[i % Shapes.Length];
            markers.MarkerSize = MarkerSizes[i % MarkerSizes.Length];
            markers.Color = MarkerColors[i % MarkerColors.Length];
            markers.LegendText = $"{rule.Id} ({Messages(times.Count)}{(anchor is null ? "" : ", on " + SeriesName(anchor))})";
            markers.Axes.YAxis = anchor is null ? plot.Axes.Left : axes[anchor];
        }

        var span = (to - from).TotalDays;
        plot.Axes.SetLimitsX(from.UtcDateTime.ToOADate() - (span * 0.01), to.UtcDateTime.ToOADate() + (span * 0.01), dates);
        plot.Axes.Bottom.Label.Text = "Date (UTC)";
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    /// <summary>The primary left and right axes first, then new axes outside them, left and right in turn.</summary>
    private static IYAxis NextAxis(Plot plot, int index) => index switch
    {
        0 => plot.Axes.Left,
        1 => plot.Axes.Right,
        _ when index % 2 == 0 => plot.Axes.AddLeftAxis(),
        _ => plot.Axes.AddRightAxis(),
    };

    /// <summary>The data's range with 5 % padding either side, never below zero (prices and the index are not negative).</summary>
    internal static (double Bottom, double Top) Fit(double min, double max)
    {
        var pad = Math.Max((max - min) * 0.05, Math.Abs(max) * 0.01);
        if (pad == 0)
        {
            pad = 1;
        }

        return (Math.Max(0, min - pad), max + pad);
    }

    private static string SeriesName(string symbol) => symbol == Assets.FearAndGreed ? "Fear & Greed" : symbol.ToUpperInvariant();

    private static string SeriesLabel(string symbol) =>
        symbol == Assets.FearAndGreed ? "Fear & Greed (0-100)" : $"{SeriesName(symbol)} (USD)";

    private static string Messages(int count) => count == 1 ? "1 message" : $"{count.ToString(CultureInfo.InvariantCulture)} messages";
}
