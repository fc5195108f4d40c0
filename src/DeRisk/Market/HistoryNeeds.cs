using DeRisk.Rules;

namespace DeRisk.Market;

/// <summary>How much daily history rules need: the longest N-day window among them (drawdowns and portfolio high-water marks).</summary>
public static class HistoryNeeds
{
    /// <summary>Days of daily rows to load so that every window of these rules is covered (0 when none has one).</summary>
    public static int DailyDays(IEnumerable<RuleSpec> rules) => rules.Select(DailyDays).DefaultIfEmpty(0).Max();

    public static int DailyDays(RuleSpec rule) => rule switch
    {
        DrawdownRule drawdown => drawdown.Days,
        PortfolioDrawdownRule portfolio => portfolio.Days,
        AllOfRule all => DailyDays(all.Rules),
        AnyOfRule any => DailyDays(any.Rules),
        _ => 0,
    };
}
