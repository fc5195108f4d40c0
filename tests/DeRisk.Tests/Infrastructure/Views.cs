using DeRisk.Market;

namespace DeRisk.Tests.Infrastructure;

/// <summary>A tick's market view built from the shipped history, as the poller and loader would build it.</summary>
public static class Views
{
    public static readonly TimeSpan PriceLimit = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan IndexLimit = TimeSpan.FromHours(26);

    public static MarketView At(DateTimeOffset now, params string[] symbols)
    {
        var data = ReplayDataset.Default;
        var all = symbols.Length > 0 ? symbols : ["BTC", "UST", "LUNA", "USDC", Assets.FearAndGreed];
        var quotes = all
            .Select(symbol => MarketPoller.Judge(symbol,
                data.LatestAtOrBefore(symbol, now) is { } p ? new SourceQuote(symbol, p.Value, p.AsOf, "replay") : null,
                now, Limit(symbol)))
            .ToList();
        var history = data.Symbols.ToDictionary(s => s, s => data.Series(s).Where(p => p.AsOf <= now && p.AsOf >= now.AddDays(-9)).ToArray());
        return new MarketView(new MarketSnapshot(now, quotes), history, Limit);
    }

    public static TimeSpan Limit(string symbol) => symbol == Assets.FearAndGreed ? IndexLimit : PriceLimit;
}

/// <summary>A made-up market at one instant: prices as of that instant, and each given asset's price 24 h and 7 d before.</summary>
public static class Synthetic
{
    public static MarketView View(DateTimeOffset now, IReadOnlyDictionary<string, double> prices, IReadOnlyDictionary<string, double>? dayAgo = null)
    {
        var quotes = prices.Select(p => new SnapshotQuote(p.Key, QuoteStatus.Ok, p.Value, now, "test")).ToList();
        var history = prices.ToDictionary(
            p => p.Key,
            p => dayAgo is not null && dayAgo.TryGetValue(p.Key, out var before)
                ? new[] { new HistoryPoint(now.AddDays(-1), before), new HistoryPoint(now, p.Value) }
                : [new HistoryPoint(now, p.Value)]);
        return new MarketView(new MarketSnapshot(now, quotes), history, Views.Limit);
    }

    /// <summary>BTC at <paramref name="price"/> after a 24 h move of <paramref name="changePercent"/>.</summary>
    public static MarketView Btc(DateTimeOffset now, double changePercent, double price = 30_000) =>
        View(now, new Dictionary<string, double> { ["BTC"] = price }, new Dictionary<string, double> { ["BTC"] = price / (1 + (changePercent / 100)) });
}
