using System.Globalization;
using System.Text.RegularExpressions;
using DeRisk.Backtest;
using DeRisk.Cli;
using DeRisk.Market;
using DeRisk.Tests.Infrastructure;
using ScottPlot;
using ScottPlot.Plottables;
using Spectre.Console;

namespace DeRisk.Tests.Backtest;

/// <summary>
/// The backtest command as a newcomer meets it: the chart says which rule sent what on the asset it watches, every
/// input problem is listed at once on stderr, the tables read at 80 columns, and missing history is called out.
/// In process, on the shipped history; no Azurite.
/// </summary>
public sealed partial class BacktestCliPolishTests
{
    private static readonly string[] ExampleFiles = ["conservative", "aggressive", "stablecoin-holder"];

    private static readonly MarketOptions Market = new() { Assets = "BTC=bitcoin,ETH=ethereum,UST=terrausd,LUNA=terra-luna,USDC=usd-coin,USDT=tether" };

    public static TheoryData<string> Examples => new(ExampleFiles);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Chart_has_a_legend_naming_each_rule_with_a_marker_style_of_its_own(string example)
    {
        var (rules, report) = Run(example, new DateOnly(2018, 1, 1), new DateOnly(2025, 9, 30));

        var plot = ReportFiles.Chart(report, rules, ReplayDataset.Default);

        // The legend is a panel below the data area (ShowLegend(Edge.Bottom)), so it covers no data.
        Assert.Contains(plot.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel && p.IsVisible);
        var labels = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).ToList();
        var markers = new List<Scatter>();
        foreach (var rule in rules.Rules)
        {
            var sent = report.Notifications.Count(n => n.RuleIds.Contains(rule.Id));
            Assert.Single(labels, l => l.StartsWith(rule.Id + " (", StringComparison.Ordinal));
            var scatter = Assert.Single(plot.GetPlottables<Scatter>(), s => s.LegendText.StartsWith(rule.Id + " (", StringComparison.Ordinal));
            Assert.Contains(sent == 1 ? "1 message" : $"{sent} messages", scatter.LegendText, StringComparison.Ordinal);
            Assert.Equal(sent, scatter.Data.GetScatterPoints().Count);
            Assert.Equal(0, scatter.LineWidth);
            markers.Add(scatter);
        }

        var styles = markers.Select(m => (m.MarkerStyle.Shape, m.MarkerStyle.FillColor)).ToList();
        Assert.Equal(styles.Count, styles.Distinct().Count());
    }

    [Fact]
    public void Chart_of_stablecoin_rules_plots_UST_and_USDC_on_their_own_axes_and_no_BTC()
    {
        var (rules, report) = Run("stablecoin-holder", new DateOnly(2022, 1, 1), new DateOnly(2023, 12, 31));

        var plot = ReportFiles.Chart(report, rules, ReplayDataset.Default);

        var axes = plot.Axes.GetAxes().OfType<IYAxis>().Where(a => a.Label.Text.Length > 0).ToList();
        Assert.Equal(["Fear & Greed (0-100)", "USDC (USD)", "UST (USD)"], axes.Select(a => a.Label.Text).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, axes.Select(a => a.Label.Text).Distinct().Count());
        Assert.DoesNotContain(plot.GetPlottables().SelectMany(p => p.LegendItems), i => i.LabelText.Contains("BTC", StringComparison.Ordinal));
        var ust = axes.Single(a => a.Label.Text == "UST (USD)");
        var ustLine = Assert.Single(plot.GetPlottables<Scatter>(), s => s.LegendText == "UST (USD)");
        Assert.Same(ust, ustLine.Axes.YAxis);

        // The UST depeg's marker sits on UST's axis at UST's price when the message went out.
        var marker = Assert.Single(plot.GetPlottables<Scatter>(), s => s.LegendText.StartsWith("ust-peg (", StringComparison.Ordinal));
        Assert.Same(ust, marker.Axes.YAxis);
        var expected = report.Notifications.Where(n => n.RuleIds.Contains("ust-peg"))
            .Select(n => (n.Time.UtcDateTime.ToOADate(), ReplayDataset.Default.LatestAtOrBefore("UST", n.Time)!.Value.Value)).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, marker.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToList());
    }

    [Fact]
    public void Chart_axes_fit_the_data_with_no_negative_prices_Fear_and_Greed_on_0_to_100_and_ISO_dates()
    {
        var (rules, report) = Run("conservative", new DateOnly(2018, 1, 1), new DateOnly(2025, 9, 30));
        var plot = ReportFiles.Chart(report, rules, ReplayDataset.Default);

        plot.RenderInMemory(1400, 800); // ticks and limits as drawn

        var btc = ReplayDataset.Default.Series("BTC").Where(p => p.AsOf >= report.Range.Start.AddDays(-1) && p.AsOf <= report.Range.End.AddDays(1)).ToList();
        var btcAxis = plot.Axes.GetAxes().OfType<IYAxis>().Single(a => a.Label.Text == "BTC (USD)");
        Assert.InRange(btcAxis.Min, 0, btc.Min(p => p.Value));
        Assert.InRange(btcAxis.Max, btc.Max(p => p.Value), btc.Max(p => p.Value) * 1.1);
        var sentiment = plot.Axes.GetAxes().OfType<IYAxis>().Single(a => a.Label.Text == "Fear & Greed (0-100)");
        Assert.Equal((0d, 100d), (sentiment.Min, sentiment.Max));
        foreach (var axis in plot.Axes.GetAxes().OfType<IYAxis>().Where(a => a.Label.Text.Length > 0))
        {
            Assert.True(axis.Min >= 0, $"{axis.Label.Text} runs below zero: {axis.Min}");
        }

        var from = report.Range.Start.UtcDateTime.ToOADate();
        var to = report.Range.End.UtcDateTime.ToOADate();
        Assert.InRange(plot.Axes.Bottom.Min, from - ((to - from) * 0.05), from);
        Assert.InRange(plot.Axes.Bottom.Max, to, to + ((to - from) * 0.05));
        var dateLabels = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor && t.Label.Length > 0).Select(t => t.Label).ToList();
        Assert.True(dateLabels.Count >= 3, $"only {dateLabels.Count} date labels");
        Assert.All(dateLabels, label => Assert.Matches(IsoDate(), label));
    }

    [Fact]
    public async Task Cli_reports_every_error_of_the_rules_file_and_the_dates_at_once_on_stderr_with_exit_code_2()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """
            { "timeZone": "Mars/Olympus", "dailyCap": -1, "colour": "red",
              "rules": [
                { "id": "a", "kind": "depeg", "asset": "USDC", "percent": 1 },
                { "id": "a", "kind": "depeg", "asset": "USDC", "percent": 1 },
                { "kind": "sentiment", "when": "atOrBelow", "value": 20, "for": "forever" },
                { "id": "b", "kind": "priceChange", "asset": "BTC", "direction": "drop", "percent": "ten", "window": "24h" },
                { "id": "c", "kind": "priceChange", "asset": "DOGE", "direction": "drop", "percent": 50, "window": "24h" }
              ] }
            """);

        var (exit, output, errors) = await Cli("backtest", "--rules", file, "--from", "2022-13-01", "--to", "2022-12-31");

        Assert.Equal(DeRiskCommands.BadInput, exit);
        Assert.Equal("", output);
        var lines = Lines(errors);
        foreach (var field in new[] { "--from '2022-13-01'", "colour", "timeZone", "dailyCap", "rules[1].id", "rules[2].for", "rules[3].percent", "rules[4].asset" })
        {
            Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains(field, StringComparison.Ordinal));
        }

        Assert.Equal(8, lines.Count);
        File.Delete(file);
    }

    [Fact]
    public async Task Cli_reports_a_rules_file_without_rules_together_with_its_other_errors()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{ "timeZone": "Nowhere/Else", "extra": 1 }""");

        var (exit, output, errors) = await Cli("backtest", "--rules", file);

        Assert.Equal(DeRiskCommands.BadInput, exit);
        Assert.Equal("", output);
        var lines = Lines(errors);
        Assert.Contains(lines, l => l.Contains(": rules: Required", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(": extra: Unknown field.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(": timeZone: ", StringComparison.Ordinal));
        File.Delete(file);
    }

    public static TheoryData<string> BadOutputs => new()
    {
        "file",            // a file where the folder should be
        "file/inside",     // a folder under a file
        "/proc/derisk-cli-test", // procfs: nobody, root included, can create a folder there
    };

    [Theory]
    [MemberData(nameof(BadOutputs))]
    public async Task Cli_with_a_bad_out_prints_one_error_line_and_no_stack_trace(string kind)
    {
        var file = Path.GetTempFileName();
        var output = kind switch
        {
            "file" => file,
            "file/inside" => Path.Combine(file, "inside"),
            _ => kind,
        };

        var (exit, stdout, errors) = await Cli("backtest", "--rules", Example("conservative"), "--from", "2022-05-01", "--to", "2022-05-31", "--out", output);

        Assert.Equal(DeRiskCommands.BadInput, exit);
        Assert.Equal("", stdout); // nothing ran
        var line = Assert.Single(Lines(errors));
        Assert.StartsWith($"error: --out {output}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", errors, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", errors.Replace(output, "", StringComparison.Ordinal), StringComparison.Ordinal);
        File.Delete(file);
    }

    [Theory]
    [InlineData("2022-13-01", "2022-12-31", "--from '2022-13-01' is not a day (yyyy-MM-dd).")]
    [InlineData("2022-01-01", "someday", "--to 'someday' is not a day (yyyy-MM-dd).")]
    [InlineData("2022-03-01", "2022-01-01", "--from 2022-03-01 is after --to 2022-01-01.")]
    public async Task Cli_with_bad_dates_prints_one_error_line_on_stderr(string from, string to, string message)
    {
        var (exit, output, errors) = await Cli("backtest", "--rules", Example("conservative"), "--from", from, "--to", to);

        Assert.Equal(DeRiskCommands.BadInput, exit);
        Assert.Equal("", output);
        Assert.Equal("error: " + message, Assert.Single(Lines(errors)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Cli_tables_fit_80_columns_with_every_date_id_and_word_whole(string example)
    {
        var (exit, output, _) = await Cli("backtest", "--rules", Example(example), "--from", "2018-01-01", "--to", "2025-09-30");

        Assert.Equal(DeRiskCommands.Ok, exit);
        var lines = output.Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));

        // Wrapped, never cut: every word of every cell is on one line.
        var words = output.Split([' ', '\n', '│', '┃', '|'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var (rules, report) = Run(example, new DateOnly(2018, 1, 1), new DateOnly(2025, 9, 30));
        Assert.All(rules.Rules, rule => Assert.Contains(rule.Id, words));
        foreach (var notification in report.Notifications)
        {
            Assert.Contains(notification.Time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), words);
            Assert.All(notification.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries), word => Assert.Contains(word, words));
        }

        foreach (var episode in report.Episodes)
        {
            Assert.Contains(episode.FiredAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), words);
            Assert.Contains(episode.BottomAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), words);
        }
    }

    [Fact]
    public async Task Cli_warns_on_stderr_about_rules_on_assets_or_dates_without_shipped_history_and_still_runs()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """
            { "rules": [
                { "id": "eth-drop", "kind": "priceChange", "asset": "ETH", "direction": "drop", "percent": 10, "window": "24h" },
                { "id": "ust-peg", "kind": "depeg", "asset": "UST", "percent": 2 },
                { "id": "btc-drop", "kind": "priceChange", "asset": "BTC", "direction": "drop", "percent": 10, "window": "24h" }
              ] }
            """);
        var from = new DateOnly(2021, 6, 1);
        var to = new DateOnly(2022, 6, 30);
        var ticks = BacktestRange.Daily(from, to).Ticks;

        var (exit, output, errors) = await Cli("backtest", "--rules", file, "--from", "2021-06-01", "--to", "2022-06-30");

        Assert.Equal(DeRiskCommands.Ok, exit);
        Assert.Contains("Per rule", output, StringComparison.Ordinal);
        var lines = Lines(errors);
        Assert.Contains($"warning: rule 'eth-drop': no ETH history in the shipped data; {ticks} of {ticks} ticks without data", lines);
        var ustStart = ReplayDataset.Default.Series("UST")[0].AsOf;
        var ustWarning = Assert.Single(lines, l => l.StartsWith("warning: rule 'ust-peg': ", StringComparison.Ordinal));
        Assert.Contains($"no UST history before {ustStart:yyyy-MM-dd};", ustWarning, StringComparison.Ordinal);
        var ustNoData = Regex.Match(ustWarning, @"; (\d+) of (\d+) ticks without data$");
        Assert.True(ustNoData.Success, ustWarning);
        Assert.InRange(int.Parse(ustNoData.Groups[1].Value, CultureInfo.InvariantCulture), (int)(ustStart - BacktestRange.Daily(from, to).Start).TotalDays, ticks - 1);
        Assert.DoesNotContain(lines, l => l.Contains("'btc-drop'", StringComparison.Ordinal)); // BTC's history covers the range
        Assert.Equal(2, lines.Count);
        File.Delete(file);
    }

    private static string Example(string name) => Path.Combine(History.RepoRoot(), "examples", "rules", name + ".json");

    private static (BacktestRules Rules, BacktestReport Report) Run(string example, DateOnly from, DateOnly to)
    {
        var (rules, errors) = BacktestRules.Parse(File.ReadAllText(Example(example)), Market.IsTracked);
        Assert.Empty(errors);
        return (rules!, new Backtester(ReplayDataset.Default, Market).Run(rules!, BacktestRange.Daily(from, to)));
    }

    /// <summary>Runs the command in process: stdout on an 80-column console, stderr on the program's own error console.</summary>
    private static async Task<(int Exit, string Output, string Errors)> Cli(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        var error = DeRiskCommands.ErrorConsole(errors);
        error.Profile.Capabilities.Ansi = false;
        var exit = await DeRiskCommands.Build(console, error).Parse(args).InvokeAsync();
        return (exit, output.ToString(), errors.ToString());
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();
}
