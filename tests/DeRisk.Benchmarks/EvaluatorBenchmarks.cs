using BenchmarkDotNet.Attributes;
using DeRisk.Market;
using DeRisk.Rules;

namespace DeRisk.Benchmarks;

/// <summary>
/// Rule evaluation in memory against one tick's market view built from the real history of 2022-05-10:
/// the evaluator's share of a tick, without storage.
/// </summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private RuleSpec[] _rules = [];
    private MarketView _view = null!;

    [Params(100_000)]
    public int Evaluations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var now = new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero);
        var data = ReplayDataset.Default;
        var quotes = new[] { "BTC", "UST", "LUNA", Assets.FearAndGreed }
            .Select(s => data.LatestAtOrBefore(s, now) is { } p
                ? new SnapshotQuote(s, QuoteStatus.Ok, p.Value, p.AsOf, "replay")
                : SnapshotQuote.Missing(s))
            .ToList();
        var history = data.Symbols.ToDictionary(s => s, s => data.Series(s).Where(p => p.AsOf <= now && p.AsOf >= now.AddDays(-9)).ToArray());
        _view = new MarketView(new MarketSnapshot(now, quotes), history, _ => TimeSpan.FromMinutes(15));

        string[] assets = ["BTC", "UST", "LUNA"];
        string[] windows = ["1h", "24h", "7d"];
        var random = new Random(42);
        _rules = Enumerable.Range(0, Evaluations)
            .Select(_ => (RuleSpec)new PriceChangeRule(assets[random.Next(3)], random.Next(2) == 0 ? ChangeDirection.Drop : ChangeDirection.Rise, random.Next(1, 30), windows[random.Next(3)]))
            .ToArray();
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
