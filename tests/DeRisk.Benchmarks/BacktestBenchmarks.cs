using BenchmarkDotNet.Attributes;
using DeRisk.Backtest;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Benchmarks;

/// <summary>A full backtest of 2018-2025 daily history (2,922 ticks) with 10 rules of every kind.</summary>
[MemoryDiagnoser]
public class BacktestBenchmarks
{
    private readonly Backtester _backtester = new(ReplayDataset.Default, new MarketOptions());
    private BacktestRules _rules = null!;

    [GlobalSetup]
    public void Setup()
    {
        RuleSpec[] specs =
        [
            new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay) { AllClear = true },
            new PriceChangeRule("BTC", ChangeDirection.Drop, 20, RuleWindow.SevenDays),
            new PriceChangeRule("BTC", ChangeDirection.Rise, 10, RuleWindow.OneDay) { RepeatEvery = TimeSpan.FromDays(3) },
            new PriceLevelRule("BTC", PriceComparison.Below, 20_000),
            new SentimentRule(SentimentComparison.AtOrBelow, 15) { For = TimeSpan.FromDays(2) },
            new SentimentRule(SentimentComparison.AtOrAbove, 85),
            new DepegRule("UST", 2),
            new DepegRule("USDC", 1) { AllClear = true },
            new AllOfRule([new PriceChangeRule("BTC", ChangeDirection.Drop, 8, RuleWindow.OneDay), new SentimentRule(SentimentComparison.AtOrBelow, 20)]),
            new AnyOfRule([new DepegRule("UST", 10), new PriceChangeRule("LUNA", ChangeDirection.Drop, 30, RuleWindow.OneDay)]),
        ];
        _rules = new BacktestRules(DeliveryPreferences.Default, specs.Select((s, i) => new StoredRule("r" + i, s, default)).ToList());
    }

    [Benchmark]
    public int FullBacktest2018To2025() =>
        _backtester.Run(_rules, BacktestRange.Daily(new DateOnly(2018, 1, 1), new DateOnly(2025, 12, 31))).Notifications.Count;
}
