using DeRisk.Hosting;

namespace DeRisk.Market;

/// <summary>
/// CoinGecko calls in a month (31 days) for a configuration, against the plan's published monthly limit. A credit is
/// a successful call (CoinGecko: "each successful request (HTTP 200) deducts 1 credit"), so: one per poll (every
/// tracked id in the one simple/price call) plus the backfill, which makes at most one successful market_chart call
/// per asset per UTC day. Retries follow failed attempts, which cost no credit but do count against the per-minute
/// rate: <see cref="Attempts"/> is the worst case with every attempt retried. With the intraday backfill an asset's
/// first day takes up to three calls (the year of daily rows, hourly points, 5-minute points) and later days one.
/// </summary>
public sealed record CoinGeckoBudget(CoinGeckoPlan Plan, int Polls, int Backfill, int Limit, int Attempts, int PerMinute, TimeSpan BackfillInterval)
{
    public const int DaysInMonth = 31;

    public int Credits => Polls + Backfill;

    public bool Holds => Credits <= Limit;

    public double Percent => 100.0 * Credits / Limit;

    /// <summary>
    /// The budget of a configuration: its polls, and the backfill's history calls at their cap — each asset's
    /// <see cref="MarketBackfill.CallsPerDay"/> a UTC day, plus the extra calls of its first day
    /// (<see cref="MarketBackfill.CallsOnFirstDay"/>: daily rows, hourly and 5-minute points; one when
    /// <paramref name="intraday"/> is off), counted in the month as if every asset were new in it.
    /// </summary>
    public static CoinGeckoBudget For(CoinGeckoOptions coinGecko, int assets, string pollSchedule, bool intraday = true)
    {
        var polls = PollsPerMonth(pollSchedule);
        var backfill = (assets * DaysInMonth * MarketBackfill.CallsPerDay) + (intraday ? assets * (MarketBackfill.CallsOnFirstDay - MarketBackfill.CallsPerDay) : 0);
        return new CoinGeckoBudget(
            coinGecko.EffectivePlan, polls, backfill, coinGecko.EffectiveMonthlyCallLimit,
            (polls + backfill) * (1 + coinGecko.RetryAttempts), coinGecko.EffectiveCallsPerMinute, coinGecko.BackfillCallInterval);
    }

    /// <summary>
    /// Occurrences of a timer schedule in a 31-day month: an NCRONTAB expression (six fields, seconds first, as the
    /// Functions host reads it; or five) counted with Cronos, or a TimeSpan period ("00:05:00").
    /// </summary>
    public static int PollsPerMonth(string schedule)
    {
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return TimerSchedule.Parse(schedule).CountIn(from, from.AddDays(DaysInMonth));
    }
}
