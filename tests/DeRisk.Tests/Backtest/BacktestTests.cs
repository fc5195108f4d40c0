using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeRisk.Backtest;
using DeRisk.Cli;
using DeRisk.Contracts;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace DeRisk.Tests.Backtest;

/// <summary>The backtest sends, on the same data, exactly what the functions path sends: same days, same words.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BacktestTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 4, 28, 0, 0, 30, TimeSpan.Zero))
{
    private static readonly object[] RuleBodies =
    [
        new { kind = "priceChange", asset = "BTC", direction = "drop", percent = 10, window = "24h" },
        new { kind = "depeg", asset = "UST", percent = 5, allClear = true },
        new { kind = "drawdown", asset = "BTC", percent = 15, days = 3 },
        new { kind = "allOf", rules = new object[] { new { kind = "priceChange", asset = "LUNA", direction = "drop", percent = 30, window = "24h" }, new { kind = "sentiment", when = "atOrBelow", value = 20 } } },
    ];


    [Fact]
    public async Task Backtest_of_may_2022_sends_what_the_functions_path_sends()
    {
        var subscriber = await TestSubscribers.SeedWithTokenAsync(Host, "+14155550105");
        var client = subscriber.Client;
        var rules = new List<StoredRule>();
        foreach (var body in RuleBodies)
        {
            var response = await client.PostAsJsonAsync("/api/me/rules", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            rules.Add(new StoredRule(json.RootElement.GetProperty("id").GetString()!,
                json.RootElement.GetProperty("rule").Deserialize<RuleSpec>(ContractJson.Options)!, default));
        }

        var tick = Host.Services.GetRequiredService<MarketTick>();
        var dispatcher = Host.Services.GetRequiredService<Dispatcher>();
        var sent = new List<(DateOnly Day, string Text)>();
        for (var day = new DateOnly(2022, 4, 28); day <= new DateOnly(2022, 5, 31); day = day.AddDays(1))
        {
            Time.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero));
            await tick.RunAsync(default);
            var before = Sink.Messages.Count;
            while ((await dispatcher.DrainAsync(default)).Received > 0)
            {
            }

            sent.AddRange(Sink.Messages.Skip(before).Select(m => (day, m.Body)));
        }

        var report = new Backtester(ReplayDataset.Default, new MarketOptions())
            .Run(new BacktestRules(DeliveryPreferences.Default, rules), BacktestRange.Daily(new DateOnly(2022, 4, 28), new DateOnly(2022, 5, 31)));

        Assert.True(sent.Count >= 2, $"May 2022 should trip these rules more than once; sent {sent.Count}");
        Assert.Contains(sent, s => s.Text.StartsWith("DeRisk, 4 alerts:", StringComparison.Ordinal));
        Assert.Equal(sent, report.Notifications.Select(n => (DateOnly.FromDateTime(n.Time.UtcDateTime), n.Text)).ToList());
        Assert.Equal(report.Rules.Sum(r => r.Episodes), report.Episodes.Count);
    }

    [Fact]
    public async Task Cli_backtest_prints_the_messages_and_writes_json_and_a_png_chart()
    {
        var folder = Directory.CreateTempSubdirectory("derisk-backtest-");
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        var rulesFile = Path.Combine(History.RepoRoot(), "examples", "rules", "stablecoin-holder.json");

        var exit = await DeRiskCommands.Build(console).Parse(["backtest", "--rules", rulesFile, "--from", "2023-03-01", "--to", "2023-03-31", "--out", folder.FullName]).InvokeAsync();

        Assert.Equal(DeRiskCommands.Ok, exit);
        Assert.Contains("USDC at $0.9715", output.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, "notifications.json")));
        Assert.Equal(2, json.RootElement.GetProperty("notifications").GetArrayLength());
        var png = await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "chart.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Cli_rejects_a_bad_rules_file_with_exit_code_2_naming_the_field()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{"rules":[{"id":"a","kind":"depeg","asset":"USDC","percent":1},{"id":"b","kind":"priceChange","asset":"BTC","direction":"drop","percent":"ten","window":"24h"}]}""");
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors });

        var exit = await DeRiskCommands.Build(console).Parse(["backtest", "--rules", file]).InvokeAsync();

        Assert.Equal(DeRiskCommands.BadInput, exit);
        Assert.Contains("rules[1].percent", output.ToString(), StringComparison.Ordinal);
        File.Delete(file);
    }
}
