using DeRisk.Market;
using DeRisk.Storage;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Market;

/// <summary>
/// The view's settled days in memory across ticks: read once, then only the open days (and the backfill marks) each
/// tick; read again for an asset whose backfill mark changed — a backfill here or on another instance, or an asset
/// backfilled after it was added. On Azurite, BTC's real year before 2022-06-20 (its high of November 2021 in it).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SettledDaysTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2022, 6, 20, 0, 0, 30, TimeSpan.Zero);
    private static readonly DateOnly Today = Assets.DayOf(Now);

    private readonly LocalHostFactory _host = new(azurite, new FakeTimeProvider(Now), new Uri("http://127.0.0.1:9/"), new Dictionary<string, string?>
    {
        ["Market:Assets"] = "BTC=bitcoin,ETH=ethereum",
        ["Market:Backfill"] = "false",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private MarketStore Store => _host.Services.GetRequiredService<MarketStore>();

    private static MarketSnapshot Snapshot(double btc) => new(Now, [new SnapshotQuote("BTC", QuoteStatus.Ok, btc, Now, "coingecko"), new SnapshotQuote("ETH", QuoteStatus.Ok, 900, Now, "coingecko")]);

    /// <summary>What the backfill writes for an asset: its days' rows, then its mark.</summary>
    private async Task BackfillAsync(string symbol, IEnumerable<SourceQuote> days)
    {
        await Store.SaveBackfillAsync(symbol, [.. days], new HashSet<DateOnly>(), Today, Now - TimeSpan.FromDays(31), default);
        await Store.SaveBackfillMarkAsync(symbol, new BackfillMark(Today.AddDays(-365), Today, null, null), default);
    }

    private static IEnumerable<SourceQuote> Year(string symbol, Func<DateOnly, double> close) =>
        Enumerable.Range(1, 365).Select(back => Today.AddDays(-back))
            .Select(day => new SourceQuote(symbol, close(day), new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), "coingecko"));

    [Fact]
    public async Task Settled_days_are_read_once_and_again_only_when_a_backfill_mark_changes()
    {
        var year = Year("BTC", day => History.BtcClose(day.AddDays(-1))).ToList();
        await BackfillAsync("BTC", year);
        var loader = _host.Services.GetRequiredService<MarketViewLoader>();
        var high = year.MaxBy(p => p.Value)!;

        var first = await loader.LoadAsync(Snapshot(20_000), default);
        Assert.Equal(high.Value, first.Drawdown("BTC", 365).Reference);
        Assert.False(first.Drawdown("ETH", 365).HasData);

        // A row gone behind the cache's back (nothing here deletes daily rows): settled days are not read again.
        var highRow = RowKeys.NewestFirst(high.AsOf);
        await _host.Services.GetRequiredService<DeRiskTables>().MarketDaily.DeleteEntityAsync("BTC", highRow);
        var cached = await loader.LoadAsync(Snapshot(20_000), default);
        Assert.Equal(high.Value, cached.Drawdown("BTC", 365).Reference);

        // A backfill writes BTC's mark (here: nothing else) and ETH's year (an asset added to the list, then
        // backfilled): both are read again, BTC without its deleted high.
        await Store.SaveBackfillMarkAsync("BTC", new BackfillMark(Today.AddDays(-365), Today, null, null), default);
        var eth = Year("ETH", day => 1_000 + (day.DayNumber % 100)).ToList();
        await BackfillAsync("ETH", eth);
        var after = await loader.LoadAsync(Snapshot(20_000), default);
        Assert.Equal(year.Where(p => p.AsOf != high.AsOf).Max(p => p.Value), after.Drawdown("BTC", 365).Reference);
        Assert.Equal(eth.Max(p => p.Value), after.Drawdown("ETH", 365).Reference);

        // Today's row is open: a poll's new high shows at the next load, with no mark changed.
        await Store.SaveAsync(Snapshot(70_000), default);
        Assert.Equal(70_000, (await loader.LoadAsync(Snapshot(20_000), default)).Drawdown("BTC", 365).Reference);
    }
}
