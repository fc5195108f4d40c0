using System.Text.Json;
using DeRisk.Backtest;
using DeRisk.Market;
using ScottPlot;

namespace DeRisk.Cli;

/// <summary>The backtest's files: the notifications as JSON, and a chart of price and sentiment with the alerts on it.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void WriteJson(BacktestReport report, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            from = report.Range.From,
            to = report.Range.To,
            notifications = report.Notifications,
            rules = report.Rules,
            episodes = report.Episodes,
            capped = report.Capped,
        }, Json));

    /// <summary>BTC on the left axis, Fear &amp; Greed on the right, a vertical line at each message.</summary>
    public static void WriteChart(BacktestReport report, ReplayDataset data, string path)
    {
        var plot = new Plot();
        plot.Title($"DeRisk backtest {report.Range.From:yyyy-MM-dd} to {report.Range.To:yyyy-MM-dd}");

        var btc = data.Series("BTC").Where(p => p.AsOf >= report.Range.Start.AddDays(-1) && p.AsOf <= report.Range.End.AddDays(1)).ToArray();
        if (btc.Length > 0)
        {
            var price = plot.Add.ScatterLine(btc.Select(p => p.AsOf.UtcDateTime.ToOADate()).ToArray(), btc.Select(p => p.Value).ToArray());
            price.LegendText = "BTC (USD)";
            price.Color = Colors.DarkOrange;
        }

        var fng = data.Series(Assets.FearAndGreed).Where(p => p.AsOf >= report.Range.Start.AddDays(-1) && p.AsOf <= report.Range.End.AddDays(1)).ToArray();
        if (fng.Length > 0)
        {
            var sentiment = plot.Add.ScatterLine(fng.Select(p => p.AsOf.UtcDateTime.ToOADate()).ToArray(), fng.Select(p => p.Value).ToArray());
            sentiment.LegendText = "Fear & Greed";
            sentiment.Color = Colors.SteelBlue.WithAlpha(0.6);
            sentiment.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "Fear & Greed (0-100)";
        }

        foreach (var notification in report.Notifications)
        {
            var line = plot.Add.VerticalLine(notification.Time.UtcDateTime.ToOADate());
            line.Color = notification.Critical ? Colors.Red : Colors.Crimson.WithAlpha(0.5);
            line.LineWidth = 1;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Axes.Left.Label.Text = "BTC (USD)";
        plot.ShowLegend();
        plot.SavePng(path, 1400, 700);
    }
}
