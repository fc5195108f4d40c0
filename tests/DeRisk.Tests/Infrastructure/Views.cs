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
