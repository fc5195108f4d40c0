using DeRisk.Market;

namespace DeRisk.Tests.Market;

/// <summary>
/// How far before a window's start its reference may lie: as far as the stored points are apart where it lies (polls
/// every 5 minutes, CoinGecko's hourly history) and a quarter more, never beyond 75 minutes or a quarter of the window, at least the
/// staleness limit — and a window that starts in a gap of its series is no data.
/// </summary>
public sealed class WindowToleranceTests
{
    private static readonly TimeSpan Staleness = TimeSpan.FromMinutes(15);
    private static readonly DateTimeOffset Now = new(2024, 3, 12, 14, 5, 0, TimeSpan.Zero);

    private static MarketView View(IEnumerable<HistoryPoint> points, double current = 100)
    {
        var history = points.Append(new HistoryPoint(Now, current)).OrderBy(p => p.AsOf).ToArray();
        var snapshot = new MarketSnapshot(Now, [new SnapshotQuote("BTC", QuoteStatus.Ok, current, Now, "coingecko")]);
        return new MarketView(snapshot, new Dictionary<string, HistoryPoint[]> { ["BTC"] = history }, _ => Staleness);
    }

    /// <summary>Points every <paramref name="spacing"/> from <paramref name="from"/> to <paramref name="to"/>, worth 80 then rising by 0.01 each.</summary>
    private static IEnumerable<HistoryPoint> Series(DateTimeOffset from, DateTimeOffset to, TimeSpan spacing)
    {
        var value = 80.0;
        for (var at = from; at <= to; at += spacing, value += 0.01)
        {
            yield return new HistoryPoint(at, value);
        }
    }

    private static HistoryPoint NewestAtOrBefore(IEnumerable<HistoryPoint> points, DateTimeOffset time) => points.Where(p => p.AsOf <= time).MaxBy(p => p.AsOf);

    [Fact]
    public void A_24h_change_starts_from_the_hourly_point_before_the_window_even_when_it_is_past_the_staleness_limit()
    {
        // Hourly points at :10 past: the one before 14:05 yesterday is 13:10, 55 minutes early.
        var hourly = Series(Now.AddDays(-8).AddMinutes(5), Now.AddHours(-1), TimeSpan.FromHours(1)).ToList();
        var reference = NewestAtOrBefore(hourly, Now.AddDays(-1));
        Assert.True(Now.AddDays(-1) - reference.AsOf > Staleness);

        var day = View(hourly).Change("BTC", TimeSpan.FromHours(24));
        var week = View(hourly).Change("BTC", TimeSpan.FromDays(7));

        Assert.True(day.HasData, day.NoDataReason);
        Assert.Equal((reference.Value, ((100 / reference.Value) - 1) * 100), (day.Reference, day.Percent));
        Assert.Equal(NewestAtOrBefore(hourly, Now.AddDays(-7)).Value, week.Reference);
    }

    [Fact]
    public void A_1h_change_never_starts_from_an_hourly_point_further_back_than_the_staleness_limit()
    {
        // 55 minutes early would make "1 h" a change over nearly two hours: a quarter of the window is 15 minutes.
        var hourly = Series(Now.AddDays(-2).AddMinutes(5), Now.AddMinutes(-55), TimeSpan.FromHours(1)).ToList();

        var change = View(hourly).Change("BTC", TimeSpan.FromHours(1));

        Assert.False(change.HasData);
        Assert.Equal("no BTC price from 1h before 2024-03-12 14:05Z", change.NoDataReason);
    }

    [Fact]
    public void A_window_starting_in_a_gap_of_5_minute_polls_is_no_data_though_hourly_points_as_far_back_would_do()
    {
        // Polls every 5 minutes, then nothing from 13:15 to 14:15 yesterday: the newest point before 14:05 yesterday is
        // 13:15, 50 minutes early, after a 5-minute spacing: values are missing, not sparse. Hourly points with the same
        // newest point are a series that has nothing closer.
        var yesterday = Now.AddDays(-1);
        var polls = Series(Now.AddDays(-2), yesterday.AddMinutes(-50), TimeSpan.FromMinutes(5))
            .Concat(Series(yesterday.AddMinutes(10), Now.AddMinutes(-5), TimeSpan.FromMinutes(5))).ToList();
        var hourly = Series(Now.AddDays(-2).AddMinutes(-50), yesterday.AddMinutes(-50), TimeSpan.FromHours(1))
            .Concat(Series(yesterday.AddMinutes(10), Now.AddMinutes(-5), TimeSpan.FromHours(1))).ToList();
        Assert.Equal(yesterday.AddMinutes(-50), NewestAtOrBefore(polls, yesterday).AsOf);
        Assert.Equal(yesterday.AddMinutes(-50), NewestAtOrBefore(hourly, yesterday).AsOf);

        Assert.False(View(polls).Change("BTC", TimeSpan.FromHours(24)).HasData);
        Assert.True(View(hourly).Change("BTC", TimeSpan.FromHours(24)).HasData);
    }

    [Fact]
    public void Hourly_points_further_apart_than_75_minutes_are_a_gap_not_a_series()
    {
        // Points every 2 hours: the newest before 14:05 yesterday is at 12:15, 110 minutes early.
        var sparse = Series(Now.AddDays(-3).AddMinutes(10), Now.AddHours(-1), TimeSpan.FromHours(2)).ToList();
        Assert.Equal(TimeSpan.FromMinutes(110), Now.AddDays(-1) - NewestAtOrBefore(sparse, Now.AddDays(-1)).AsOf);

        Assert.False(View(sparse).Change("BTC", TimeSpan.FromHours(24)).HasData);
    }

    [Fact]
    public void The_tolerance_is_the_spacing_where_the_reference_lies_capped_by_75_minutes_and_a_quarter_of_the_window()
    {
        HistoryPoint[] Pair(TimeSpan spacing) => [new(Now - spacing, 1), new(Now, 1)];

        Assert.Equal(TimeSpan.FromMinutes(70), MarketView.Tolerance(Pair(TimeSpan.FromMinutes(56)), 1, TimeSpan.FromDays(1), Staleness));
        Assert.Equal(MarketView.MaxPointSpacing, MarketView.Tolerance(Pair(TimeSpan.FromMinutes(64)), 1, TimeSpan.FromDays(1), Staleness));
        Assert.Equal(MarketView.MaxPointSpacing, MarketView.Tolerance(Pair(TimeSpan.FromHours(6)), 1, TimeSpan.FromDays(7), Staleness));
        Assert.Equal(TimeSpan.FromMinutes(15), MarketView.Tolerance(Pair(TimeSpan.FromHours(1)), 1, TimeSpan.FromHours(1), TimeSpan.FromMinutes(10)));
        Assert.Equal(Staleness, MarketView.Tolerance(Pair(TimeSpan.FromMinutes(5)), 1, TimeSpan.FromDays(1), Staleness));
        Assert.Equal(Staleness, MarketView.Tolerance(Pair(TimeSpan.FromHours(1)), 0, TimeSpan.FromDays(1), Staleness));
    }
}
