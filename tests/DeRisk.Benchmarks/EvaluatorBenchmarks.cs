using BenchmarkDotNet.Attributes;
using DeRisk.Market;
using DeRisk.Rules;

namespace DeRisk.Benchmarks;

/// <summary>
/// Rule evaluation in memory against one tick's market view built from the real history of 2022-05-10: 100,000
/// subscribers x 5 rules of every kind (price change, level, sentiment, depeg, all-of/any-of), the evaluator's share
/// of a tick without storage. Reported: time per 500,000 evaluations, and allocations (target: none).
/// </summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private RuleSpec[] _rules = [];
    private MarketView _view = null!;

    [Params(500_000)]
    public int Evaluations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var now = new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);
        var market = new MarketOptions();
        _view = ReplayMarket.ViewAt(ReplayDataset.Default, now, ["BTC", "UST", "LUNA", "USDC", Assets.FearAndGreed], market.StalenessLimitFor, market.HistoryWindow);

        string[] assets = ["BTC", "UST", "LUNA"];
        RuleWindow[] windows = [RuleWindow.OneHour, RuleWindow.OneDay, RuleWindow.SevenDays];
        var random = new Random(42);
        RuleSpec Leaf() => random.Next(5) switch
        {
            0 => new PriceChangeRule(assets[random.Next(3)], random.Next(2) == 0 ? ChangeDirection.Drop : ChangeDirection.Rise, random.Next(1, 30), windows[random.Next(3)]),
            1 => new PriceLevelRule(assets[random.Next(3)], random.Next(2) == 0 ? PriceComparison.Below : PriceComparison.Above, random.Next(1, 40_000)),
            2 => new SentimentRule(random.Next(2) == 0 ? SentimentComparison.AtOrBelow : SentimentComparison.AtOrAbove, random.Next(0, 100)),
            3 => new DepegRule(random.Next(2) == 0 ? "UST" : "USDC", random.Next(1, 10)),
            _ => new PriceChangeRule("BTC", ChangeDirection.Drop, 10, RuleWindow.OneDay),
        };
        _rules = Enumerable.Range(0, Evaluations)
            .Select(i => i % 5 == 4 ? (random.Next(2) == 0 ? new AllOfRule([Leaf(), Leaf()]) : (RuleSpec)new AnyOfRule([Leaf(), Leaf()])) : Leaf())
            .ToArray();

        // Warm the view's window cache as the first subscriber of a tick would.
        EvaluateAll();
    }

    [Benchmark]
    public int EvaluateAll()
    {
        var met = 0;
        foreach (var rule in _rules)
        {
            if (RuleEvaluator.Evaluate(rule, _view).Kind == VerdictKind.Met)
            {
                met++;
            }
        }

        return met;
    }
}
