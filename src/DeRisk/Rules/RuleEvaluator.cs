using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>Evaluates rules against a tick's market view. Pure: no I/O, no clock, no allocation on the leaf paths.</summary>
public static class RuleEvaluator
{
    /// <summary>A drop or rise rule resolves once the move is back under this share of its threshold.</summary>
    public const double ChangeRecovery = 0.75;

    /// <summary>A price level rule resolves once the price is this far back on the other side of the level.</summary>
    public const double LevelRecovery = 0.01;

    /// <summary>A sentiment rule resolves once the index is this many points back on the other side.</summary>
    public const int SentimentRecovery = 5;

    /// <summary>A depeg rule resolves once the price is back within this share of its threshold.</summary>
    public const double DepegRecovery = 0.5;

    public static Verdict Evaluate(RuleSpec rule, MarketView market) => rule switch
    {
        PriceChangeRule r => PriceChange(r, market),
        PriceLevelRule r => PriceLevel(r, market),
        SentimentRule r => Sentiment(r, market),
        DepegRule r => Depeg(r, market),
        DrawdownRule r => Drawdown(r, market),
        PortfolioDrawdownRule r => Portfolio(r, market),
        AllOfRule r => AllOf(r, market),
        AnyOfRule r => AnyOf(r, market),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule type."),
    };

    private static Verdict PriceChange(PriceChangeRule rule, MarketView market)
    {
        var change = market.Change(rule.Asset, rule.WindowSpan);
        if (!change.HasData)
        {
            return Verdict.NoData(change.NoDataReason!);
        }

        return rule.Direction == ChangeDirection.Drop
            ? Verdict.Of(change.Percent <= -rule.Percent, change.Percent, -rule.Percent, change.Percent > -rule.Percent * ChangeRecovery)
            : Verdict.Of(change.Percent >= rule.Percent, change.Percent, rule.Percent, change.Percent < rule.Percent * ChangeRecovery);
    }

    private static Verdict PriceLevel(PriceLevelRule rule, MarketView market)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return Verdict.NoData(market.DescribeUnusable(rule.Asset));
        }

        var price = current.Value;
        return rule.When == PriceComparison.Below
            ? Verdict.Of(price < rule.Level, price, rule.Level, price >= rule.Level * (1 + LevelRecovery))
            : Verdict.Of(price > rule.Level, price, rule.Level, price <= rule.Level * (1 - LevelRecovery));
    }

    private static Verdict Sentiment(SentimentRule rule, MarketView market)
    {
        if (!market.TryGetCurrent(Assets.FearAndGreed, out var current))
        {
            return Verdict.NoData(market.DescribeUnusable(Assets.FearAndGreed));
        }

        var index = current.Value;
        return rule.When == SentimentComparison.AtOrBelow
            ? Verdict.Of(index <= rule.Value, index, rule.Value, index >= rule.Value + SentimentRecovery)
            : Verdict.Of(index >= rule.Value, index, rule.Value, index <= rule.Value - SentimentRecovery);
    }

    private static Verdict Depeg(DepegRule rule, MarketView market)
    {
        if (!market.TryGetCurrent(rule.Asset, out var current))
        {
            return Verdict.NoData(market.DescribeUnusable(rule.Asset));
        }

        var offPeg = Math.Abs(current.Value - 1) * 100;
        return Verdict.Of(offPeg > rule.Percent, offPeg, rule.Percent, offPeg <= rule.Percent * DepegRecovery);
    }

    private static Verdict Drawdown(DrawdownRule rule, MarketView market)
    {
        var drawdown = market.Drawdown(rule.Asset, rule.Days);
        return drawdown.HasData
            ? Verdict.Of(drawdown.Percent <= -rule.Percent, drawdown.Percent, -rule.Percent, drawdown.Percent > -rule.Percent * ChangeRecovery)
            : Verdict.NoData(drawdown.NoDataReason!);
    }

    private static Verdict Portfolio(PortfolioDrawdownRule rule, MarketView market)
    {
        var value = market.Portfolio(rule.Holdings, rule.Days);
        if (!value.HasData)
        {
            return Verdict.NoData(value.NoDataReason!);
        }

        var drawdown = value.DrawdownPercent;
        return Verdict.Of(drawdown <= -rule.Percent, drawdown, -rule.Percent, drawdown > -rule.Percent * ChangeRecovery);
    }

    /// <summary>
    /// Met when every child is met; clear as soon as one child is clear (whatever the others say); otherwise no
    /// data. Recovered when any child has recovered.
    /// </summary>
    private static Verdict AllOf(AllOfRule rule, MarketView market)
    {
        bool anyClear = false, anyRecovered = false;
        string? noData = null;
        var children = rule.Rules;
        for (var i = 0; i < children.Count; i++)
        {
            var verdict = Evaluate(children[i], market);
            switch (verdict.Kind)
            {
                case VerdictKind.Clear:
                    anyClear = true;
                    anyRecovered |= verdict.Recovered;
                    break;
                case VerdictKind.NoData:
                    noData ??= verdict.NoDataReason;
                    break;
            }
        }

        return anyClear ? new Verdict(VerdictKind.Clear, 0, 0, anyRecovered, null)
            : noData is not null ? Verdict.NoData(noData)
            : new Verdict(VerdictKind.Met, 0, 0, false, null);
    }

    /// <summary>
    /// Met as soon as one child is met; clear when every child is clear; otherwise no data. Recovered when every
    /// child has recovered.
    /// </summary>
    private static Verdict AnyOf(AnyOfRule rule, MarketView market)
    {
        bool allRecovered = true;
        string? noData = null;
        var children = rule.Rules;
        for (var i = 0; i < children.Count; i++)
        {
            var verdict = Evaluate(children[i], market);
            switch (verdict.Kind)
            {
                case VerdictKind.Met:
                    return new Verdict(VerdictKind.Met, 0, 0, false, null);
                case VerdictKind.NoData:
                    noData ??= verdict.NoDataReason;
                    allRecovered = false;
                    break;
                default:
                    allRecovered &= verdict.Recovered;
                    break;
            }
        }

        return noData is not null ? Verdict.NoData(noData) : new Verdict(VerdictKind.Clear, 0, 0, allRecovered, null);
    }
}
