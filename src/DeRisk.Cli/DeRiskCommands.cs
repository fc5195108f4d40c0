using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DeRisk.Backtest;
using DeRisk.Market;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace DeRisk.Cli;

/// <summary>The `derisk` command line.</summary>
public static class DeRiskCommands
{
    public const int Ok = 0;

    /// <summary>The report could not be written (after the input was checked).</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments or a bad rules file: every problem is on the error console.</summary>
    public const int BadInput = 2;

    /// <summary>
    /// The console for errors and warnings (stderr in the program): never wrapped by Spectre, so each problem is one
    /// line for grep and logs (a terminal still wraps what it shows).
    /// </summary>
    public static IAnsiConsole ErrorConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 4096;
        return console;
    }

    /// <summary>
    /// The commands, writing results to <paramref name="console"/> and errors and warnings to <paramref name="error"/>
    /// (stderr in the real program; the same console when none is given).
    /// </summary>
    public static RootCommand Build(IAnsiConsole console, IAnsiConsole? error = null)
    {
        error ??= console;
        var rules = new Option<FileInfo>("--rules") { Description = "Rules file (JSON): preferences and rules, each with an id", Required = true };
        var from = new Option<string>("--from") { Description = "First day, yyyy-MM-dd", DefaultValueFactory = _ => "2022-01-01" };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd", DefaultValueFactory = _ => "2022-12-31" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for notifications.json and chart.png" };
        var backtest = new Command("backtest", "Replay the shipped real history through the functions' own evaluator and print what your rules would have sent")
        {
            rules, from, to, output,
        };
        backtest.SetAction((result, cancellationToken) => Task.FromResult(Backtest(console, error, result.GetValue(rules)!, result.GetValue(from)!, result.GetValue(to)!, result.GetValue(output))));
        var count = new Option<int>("--subscribers") { Description = "How many synthetic subscribers to write", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed writes the same subscribers)", DefaultValueFactory = _ => 1 };
        var connection = new Option<string>("--connection") { Description = "Storage connection string", DefaultValueFactory = _ => "UseDevelopmentStorage=true" };
        var prefix = new Option<string>("--table-prefix") { Description = "Table name prefix (Storage:TablePrefix of the app)", DefaultValueFactory = _ => "" };
        var shards = new Option<int>("--shards") { Description = "Shard count (Storage:ShardCount of the app)", DefaultValueFactory = _ => 16 };
        var seedCommand = new Command("seed", "Load generator: write N synthetic subscribers with a realistic mix of rules into Table Storage (Azurite by default)")
        {
            count, seed, connection, prefix, shards,
        };
        seedCommand.SetAction((result, cancellationToken) => SeedAsync(console, error, result.GetValue(count), result.GetValue(seed), result.GetValue(connection)!, result.GetValue(prefix)!, result.GetValue(shards), cancellationToken));
        return new RootCommand("DeRisk: de-risk alerts for crypto holders") { backtest, seedCommand };
    }

    private static async Task<int> SeedAsync(IAnsiConsole console, IAnsiConsole error, int count, int seed, string connection, string prefix, int shards, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 10_000_000 || seed is < 0 or > 0xFFFFFF)
        {
            error.MarkupLine("[red]error:[/] --subscribers must be 1 to 10,000,000 and --seed 0 to 16,777,215.");
            return BadInput;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["Storage:TablePrefix"] = prefix,
            ["Storage:ShardCount"] = shards.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddDeRiskStorage();
        builder.AddDeRiskSubscribers();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var watch = Stopwatch.StartNew();
        var result = await ActivatorUtilities.CreateInstance<SyntheticSubscribers>(host.Services).SeedAsync(count, seed, TimeProvider.System.GetUtcNow(), cancellationToken);
        watch.Stop();
        var table = new Table().AddColumns("Rule kind", "Rules");
        foreach (var (kind, rules) in result.RulesByKind.OrderByDescending(k => k.Value))
        {
            table.AddRow(kind, Num(rules));
        }

        console.Write(table);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote {result.Subscribers} subscribers with {result.Rules} rules ({(double)result.Rules / result.Subscribers:0.00} each) in {result.Transactions} batch transactions, {watch.Elapsed.TotalSeconds:0.0} s.");
        await host.StopAsync(cancellationToken);
        return Ok;
    }

    private static int Backtest(IAnsiConsole console, IAnsiConsole error, FileInfo rulesFile, string fromText, string toText, DirectoryInfo? output)
    {
        // Every problem with the input is found before anything runs, and all of them are reported at once.
        var problems = new List<string>();
        var fromOk = TryDay(fromText, out var from);
        var toOk = TryDay(toText, out var to);
        if (!fromOk)
        {
            problems.Add($"--from '{fromText}' is not a day (yyyy-MM-dd).");
        }

        if (!toOk)
        {
            problems.Add($"--to '{toText}' is not a day (yyyy-MM-dd).");
        }

        if (fromOk && toOk && to < from)
        {
            problems.Add($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}.");
        }

        var market = new MarketOptions { Assets = "BTC=bitcoin,ETH=ethereum,UST=terrausd,LUNA=terra-luna,USDC=usd-coin,USDT=tether" };
        var parsed = ReadRules(rulesFile, market, problems);
        if (output is not null && OutputProblem(output, create: problems.Count == 0) is { } outputProblem)
        {
            problems.Add(outputProblem);
        }

        if (problems.Count > 0 || parsed is null)
        {
            foreach (var problem in problems)
            {
                error.MarkupLineInterpolated($"[red]error:[/] {problem}");
            }

            return BadInput;
        }

        var range = BacktestRange.Daily(from, to);
        var backtester = new Backtester(ReplayDataset.Default, market);
        var clock = Stopwatch.StartNew();
        BacktestReport report = null!;
        if (range.Ticks > 400 && console.Profile.Capabilities.Interactive)
        {
            console.Progress().Start(context =>
            {
                var task = context.AddTask($"Replaying {range.Ticks} days");
                report = backtester.Run(parsed, range, new Progress<double>(share => task.Value = share * 100));
                task.Value = 100;
            });
        }
        else
        {
            report = backtester.Run(parsed, range);
        }

        clock.Stop();
        Print(console, report, clock.Elapsed);
        foreach (var warning in DataWarnings(parsed, report, ReplayDataset.Default))
        {
            error.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        if (output is not null)
        {
            var json = Path.Combine(output.FullName, "notifications.json");
            var chart = Path.Combine(output.FullName, "chart.png");
            try
            {
                ReportFiles.WriteJson(report, json);
                ReportFiles.WriteChart(report, parsed, ReplayDataset.Default, chart);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.MarkupLineInterpolated($"[red]error:[/] --out {output.FullName}: could not write the report: {e.Message}");
                return Failed;
            }

            console.MarkupLineInterpolated($"Wrote [blue]{json}[/]");
            console.MarkupLineInterpolated($"Wrote [blue]{chart}[/]");
        }

        return Ok;
    }

    /// <summary>The rules file parsed, or null with every error in it added to <paramref name="problems"/>, each named by its path.</summary>
    private static BacktestRules? ReadRules(FileInfo rulesFile, MarketOptions market, List<string> problems)
    {
        string text;
        try
        {
            text = File.ReadAllText(rulesFile.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(rulesFile.Exists ? $"--rules {rulesFile.FullName}: cannot be read ({e.Message})" : $"--rules {rulesFile.FullName}: no such file.");
            return null;
        }

        var (parsed, errors) = BacktestRules.Parse(text, market.IsTracked);
        foreach (var (field, messages) in errors)
        {
            problems.Add($"{rulesFile.Name}: {field}: {string.Join(" ", messages)}");
        }

        return parsed;
    }

    /// <summary>
    /// Why the report cannot go to <paramref name="output"/>, or null. A file where a folder is expected is found
    /// without touching the disk; with <paramref name="create"/> (the other inputs are good) the folder is created
    /// and a file written to it and deleted, so an unwritable folder is found before the backtest runs.
    /// </summary>
    internal static string? OutputProblem(DirectoryInfo output, bool create)
    {
        for (var folder = output; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(folder.FullName))
            {
                return folder.FullName == output.FullName
                    ? $"--out {output.FullName}: is a file, not a folder."
                    : $"--out {output.FullName}: {folder.FullName} is a file, not a folder.";
            }
        }

        if (!create)
        {
            return null;
        }

        try
        {
            output.Create();
            using (File.Create(Path.Combine(output.FullName, $".derisk-{Environment.ProcessId}.tmp"), 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--out {output.FullName}: cannot write there ({e.Message})";
        }
    }

    /// <summary>
    /// One line per rule that meets no data on some ticks: the assets it reads that the shipped history lacks in the
    /// range (none at all, or not before / after a date), and how many ticks it had no data.
    /// </summary>
    internal static IEnumerable<string> DataWarnings(BacktestRules rules, BacktestReport report, ReplayDataset data)
    {
        foreach (var rule in rules.Rules)
        {
            var reasons = new List<string>();
            foreach (var symbol in rule.Spec.Symbols.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var name = symbol == Assets.FearAndGreed ? "Fear & Greed" : symbol.ToUpperInvariant();
                var series = data.Series(symbol);
                if (series.Count == 0)
                {
                    reasons.Add($"no {name} history in the shipped data");
                    continue;
                }

                var first = series[0].AsOf;
                var last = series[^1].AsOf;
                var before = report.Range.Start < first ? $"before {first:yyyy-MM-dd}" : null;
                var after = report.Range.End > last.AddDays(1) ? $"after {last:yyyy-MM-dd}" : null;
                if (before is not null || after is not null)
                {
                    reasons.Add($"no {name} history {string.Join(" or ", new[] { before, after }.OfType<string>())}");
                }
            }

            var noData = report.Rules.FirstOrDefault(r => r.RuleId == rule.Id)?.NoDataTicks ?? 0;
            if (reasons.Count == 0 && noData == 0)
            {
                continue;
            }

            var ticks = $"{Num(noData)} of {Num(report.Range.Ticks)} ticks without data";
            yield return reasons.Count > 0
                ? $"rule '{rule.Id}': {string.Join("; ", reasons)}; {ticks}"
                : $"rule '{rule.Id}': {ticks} (gaps in the shipped history, or too little of it before a tick for the rule's window)";
        }
    }

    private static void Print(IAnsiConsole console, BacktestReport report, TimeSpan elapsed)
    {
        // Readable at 80 columns: short headers, dates and numbers never broken (NoWrap), long text wrapped at words.
        var messages = new Table().Title($"What your rules would have sent, {report.Range.From:yyyy-MM-dd} to {report.Range.To:yyyy-MM-dd}")
            .AddColumn(new TableColumn("Time (UTC)").NoWrap()).AddColumn("Rules").AddColumn("Message");
        foreach (var n in report.Notifications)
        {
            var time = n.Time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
                + (n.DeliverAt is { } at ? "\n" + $"sent {at.UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)}" : "");
            messages.AddRow(Markup.Escape(time), Markup.Escape(string.Join("\n", n.RuleIds)), Markup.Escape(n.Text));
        }

        console.Write(messages);

        var rules = new Table().Title("Per rule").AddColumn("Rule").AddColumn("Kind")
            .AddColumn(new TableColumn("Messages").RightAligned().NoWrap()).AddColumn(new TableColumn("Episodes").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Resolved").RightAligned().NoWrap()).AddColumn(new TableColumn("No data").RightAligned().NoWrap());
        foreach (var r in report.Rules)
        {
            rules.AddRow(Markup.Escape(r.RuleId), r.Kind, Num(r.Notifications), Num(r.Episodes), Num(r.Resolved), Num(r.NoDataTicks));
        }

        console.Write(rules);
        console.MarkupLine("[grey]No data: ticks on which the rule had no data to read.[/]");

        var episodes = new Table().Title("Each episode and what followed")
            .AddColumn("Rule, fired").AddColumn(new TableColumn("Asset").NoWrap())
            .AddColumn(new TableColumn("Price").RightAligned().NoWrap()).AddColumn(new TableColumn("Bottom").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Lead").RightAligned().NoWrap()).AddColumn(new TableColumn("To bottom").RightAligned())
            .AddColumn(new TableColumn("7 d on").RightAligned().NoWrap());
        foreach (var e in report.Episodes)
        {
            episodes.AddRow(Markup.Escape(e.RuleId) + "\n" + e.FiredAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Asset,
                Price(e.PriceAtAlert), Price(e.Bottom) + "\n" + e.BottomAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                e.DaysAheadOfBottom.ToString("0", CultureInfo.InvariantCulture) + " d", Percent(e.MoveToBottomPercent),
                e.MoveAfter7DaysPercent is { } week ? Percent(week) : "-");
        }

        console.Write(episodes);
        console.MarkupLine("[grey]Lead: days from the alert to the lowest price up to the end of the range (Bottom); 7 d on: the move a week after.[/]");
        var kinds = string.Join(", ", MessageKinds.Select(k => $"{report.Kinds.GetValueOrDefault(k)} {k}")) + $"; {report.CriticalCount} critical";
        console.MarkupLineInterpolated($"{report.Notifications.Count} messages ({kinds}), {report.Episodes.Count} episodes, {report.Capped} held back by the daily cap; {report.Range.Ticks} ticks in {elapsed.TotalMilliseconds:0} ms.");
    }

    private static readonly string[] MessageKinds = ["alert", "escalation", "allClear", "overnight", "digest"];

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Price(double value) => value >= 100
        ? "$" + value.ToString("#,##0", CultureInfo.InvariantCulture)
        : "$" + value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
