namespace DeRisk.Market;

/// <summary>
/// Builds the tick's view: the snapshot plus each tracked asset's recent history and its daily rows for the longest
/// window a rule may ask for (Market:DailyHistoryDays), the assets read side by side. Settled days — those before
/// yesterday and before the staleness limit, which no poll can write any more — are kept in memory across ticks, per
/// asset, keyed by the version (ETag) of the asset's backfill mark: every backfill write to an asset's daily rows is
/// followed by a write of its mark, so a backfill here or on another instance, or an asset added to the tracked list,
/// reads that asset's days again; otherwise each tick reads only the days still open (and the marks, in one query).
/// </summary>
public sealed class MarketViewLoader(MarketStore store, Microsoft.Extensions.Options.IOptions<MarketOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SettledDays> _settled = new(StringComparer.OrdinalIgnoreCase);

    public async Task<MarketView> LoadAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var market = options.Value;
        var today = Assets.DayOf(snapshot.TakenAt);
        var yesterday = today.AddDays(-1);
        var earliestPolled = Assets.DayOf(snapshot.TakenAt - market.PriceStalenessLimit);
        var firstOpen = earliestPolled < yesterday ? earliestPolled : yesterday;

        // The marks before the rows: a backfill that writes in between changes a mark after its rows, so what is cached
        // under the version read here is never newer than the rows read after it.
        var versions = await store.ReadBackfillVersionsAsync(cancellationToken).ConfigureAwait(false);
        var loaded = await Task.WhenAll(market.AllSymbols.Select(async symbol =>
        {
            // Back to the window's start less the most a reference may lie before it, and the point before that one
            // (whose gap to the reference is the spacing the tolerance depends on).
            var from = snapshot.TakenAt - market.HistoryWindow - market.StalenessLimitFor(symbol) - (2 * MarketView.MaxPointSpacing);
            var history = await store.ReadHistoryAsync(symbol, from, snapshot.TakenAt + market.StalenessLimitFor(symbol), cancellationToken).ConfigureAwait(false);
            var daily = symbol == Assets.FearAndGreed
                ? null
                : await DailyAsync(symbol, versions.GetValueOrDefault(symbol, ""), today.AddDays(-market.DailyHistoryDays), firstOpen, today, cancellationToken).ConfigureAwait(false);
            return (symbol, history, daily);
        })).ConfigureAwait(false);

        var histories = new Dictionary<string, HistoryPoint[]>(StringComparer.OrdinalIgnoreCase);
        var dailies = new Dictionary<string, DailyPoint[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (symbol, history, daily) in loaded)
        {
            histories[symbol] = history;
            if (daily is not null)
            {
                dailies[symbol] = daily;
            }
        }

        return new MarketView(snapshot, histories, market.StalenessLimitFor, dailies);
    }

    /// <summary>The asset's daily rows for [from, today]: the settled ones from memory where the version still holds, the open ones read.</summary>
    private async Task<DailyPoint[]> DailyAsync(string symbol, string version, DateOnly from, DateOnly firstOpen, DateOnly today, CancellationToken cancellationToken)
    {
        var settledTo = firstOpen.AddDays(-1);
        DailyPoint[] settled;
        if (_settled.TryGetValue(symbol, out var cached) && cached.Version == version && cached.From <= from && cached.To >= from.AddDays(-1))
        {
            var newer = cached.To < settledTo
                ? await store.ReadDailyAsync(symbol, cached.To.AddDays(1), settledTo, cancellationToken).ConfigureAwait(false)
                : [];
            settled = [.. cached.Points.Where(p => p.Day >= from && p.Day <= settledTo), .. newer];
            if (cached.To < settledTo)
            {
                // Days settled since: kept from now on, the window's oldest days dropped.
                _settled[symbol] = new SettledDays(version, from, settledTo, settled);
            }
        }
        else
        {
            settled = await store.ReadDailyAsync(symbol, from, settledTo, cancellationToken).ConfigureAwait(false);
            _settled[symbol] = new SettledDays(version, from, settledTo, settled);
        }

        var open = await store.ReadDailyAsync(symbol, firstOpen, today, cancellationToken).ConfigureAwait(false);
        return [.. settled, .. open];
    }

    /// <summary>An asset's daily rows for the settled days [From, To], as of its backfill mark's <see cref="Version"/>.</summary>
    private sealed record SettledDays(string Version, DateOnly From, DateOnly To, DailyPoint[] Points);
}
