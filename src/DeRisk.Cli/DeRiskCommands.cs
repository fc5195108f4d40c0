using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DeRisk.Backtest;
using DeRisk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using DeRisk.Market;
using Spectre.Console;

namespace DeRisk.Cli;

/// <summary>The `derisk` command line.</summary>
public static class DeRiskCommands
{
    public const int Ok = 0;
    public const int BadInput = 2;

    public static RootCommand Build(IAnsiConsole console)
    {
        var rules = new Option<FileInfo>("--rules") { Description = "Rules file (JSON): preferences and rules, each with an id", Required = true };
        var from = new Option<string>("--from") { Description = "First day, yyyy-MM-dd", DefaultValueFactory = _ => "2022-01-01" };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd", DefaultValueFactory = _ => "2022-12-31" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for notifications.json and chart.png" };
        var backtest = new Command("backtest", "Replay the shipped real history through the functions' own evaluator and print what your rules would have sent")
        {
            rules, from, to, output,
        };
        backtest.SetAction((result, cancellationToken) => Task.FromResult(Backtest(console, result.GetValue(rules)!, result.GetValue(from)!, result.GetValue(to)!, result.GetValue(output))));
        var count = new Option<int>("--subscribers") { Description = "How many synthetic subscribers to write", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed writes the same subscribers)", DefaultValueFactory = _ => 1 };
        var connection = new Option<string>("--connection") { Description = "Storage connection string", DefaultValueFactory = _ => "UseDevelopmentStorage=true" };
        var prefix = new Option<string>("--table-prefix") { Description = "Table name prefix (Storage:TablePrefix of the app)", DefaultValueFactory = _ => "" };
        var shards = new Option<int>("--shards") { Description = "Shard count (Storage:ShardCount of the app)", DefaultValueFactory = _ => 16 };
        var seedCommand = new Command("seed", "Load generator: write N synthetic subscribers with a realistic mix of rules into Table Storage (Azurite by default)")
        {
            count, seed, connection, prefix, shards,
        };
        seedCommand.SetAction((result, cancellationToken) => SeedAsync(console, result.GetValue(count), result.GetValue(seed), result.GetValue(connection)!, result.GetValue(prefix)!, result.GetValue(shards), cancellationToken));
        return new RootCommand("DeRisk: de-risk alerts for crypto holders") { backtest, seedCommand };
    }

    private static async Task<int> SeedAsync(IAnsiConsole console, int count, int seed, string connection, string prefix, int shards, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 10_000_000 || seed is < 0 or > 0xFFFFFF)
        {
            console.MarkupLine("[red]--subscribers must be 1 to 10,000,000 and --seed 0 to 16,777,215.[/]");
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

    private static int Backtest(IAnsiConsole console, FileInfo rulesFile, string fromText, string toText, DirectoryInfo? output)
    {
        if (!TryDay(fromText, out var from) || !TryDay(toText, out var to) || to < from)
        {
            console.MarkupLine("[red]--from and --to must be days (yyyy-MM-dd), --from not after --to.[/]");
            return BadInput;
        }

        if (!rulesFile.Exists)
        {
            console.MarkupLineInterpolated($"[red]Rules file {rulesFile.FullName} does not exist.[/]");
            return BadInput;
        }

        var market = new MarketOptions { Assets = "BTC=bitcoin,ETH=ethereum,UST=terrausd,LUNA=terra-luna,USDC=usd-coin,USDT=tether" };
        var (parsed, errors) = BacktestRules.Parse(File.ReadAllText(rulesFile.FullName), market.IsTracked);
        if (parsed is null)
        {
            console.MarkupLineInterpolated($"[red]{rulesFile.Name} is not a valid rules file:[/]");
            foreach (var (field, messages) in errors)
            {
                console.MarkupLineInterpolated($"  [yellow]{field}[/]: {string.Join(" ", messages)}");
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
        if (output is not null)
        {
            output.Create();
            var json = Path.Combine(output.FullName, "notifications.json");
            var chart = Path.Combine(output.FullName, "chart.png");
            ReportFiles.WriteJson(report, json);
            ReportFiles.WriteChart(report, ReplayDataset.Default, chart);
            console.MarkupLineInterpolated($"Wrote [blue]{json}[/] and [blue]{chart}[/]");
        }

        return Ok;
    }

    private static void Print(IAnsiConsole console, BacktestReport report, TimeSpan elapsed)
    {
        var messages = new Table().Title($"What your rules would have sent, {report.Range.From:yyyy-MM-dd} to {report.Range.To:yyyy-MM-dd}")
            .AddColumn("Time (UTC)").AddColumn("Rules").AddColumn("Message");
        foreach (var n in report.Notifications)
        {
            var time = n.Time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
                + (n.DeliverAt is { } at ? $" (sent {at.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)})" : "");
            messages.AddRow(Markup.Escape(time), Markup.Escape(string.Join(", ", n.RuleIds)), Markup.Escape(n.Text));
        }

        console.Write(messages);

        var rules = new Table().Title("Per rule").AddColumn("Rule").AddColumn("Kind").AddColumn("Messages", c => c.RightAligned())
            .AddColumn("Episodes", c => c.RightAligned()).AddColumn("Resolved", c => c.RightAligned()).AddColumn("Days without data", c => c.RightAligned());
        foreach (var r in report.Rules)
        {
            rules.AddRow(Markup.Escape(r.RuleId), r.Kind, Num(r.Notifications), Num(r.Episodes), Num(r.Resolved), Num(r.NoDataTicks));
        }

        console.Write(rules);

        var episodes = new Table().Title("Each episode and what followed").AddColumn("Rule").AddColumn("Fired (UTC)").AddColumn("Asset")
            .AddColumn("Price", c => c.RightAligned()).AddColumn("Bottom", c => c.RightAligned()).AddColumn("Days ahead of bottom", c => c.RightAligned())
            .AddColumn("Move to bottom", c => c.RightAligned()).AddColumn("Move after 7 d", c => c.RightAligned());
        foreach (var e in report.Episodes)
        {
            episodes.AddRow(Markup.Escape(e.RuleId), e.FiredAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Asset,
                Price(e.PriceAtAlert), $"{Price(e.Bottom)} ({e.BottomAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})",
                e.DaysAheadOfBottom.ToString("0", CultureInfo.InvariantCulture), Percent(e.MoveToBottomPercent),
                e.MoveAfter7DaysPercent is { } week ? Percent(week) : "-");
        }

        console.Write(episodes);
        console.MarkupLineInterpolated($"{report.Notifications.Count} messages, {report.Episodes.Count} episodes, {report.Capped} held back by the daily cap; {report.Range.Ticks} ticks in {elapsed.TotalMilliseconds:0} ms.");
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Price(double value) => value >= 100
        ? "$" + value.ToString("#,##0", CultureInfo.InvariantCulture)
        : "$" + value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
