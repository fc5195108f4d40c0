using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Subscribers;

namespace DeRisk.Ops;

/// <summary>What operators see: the health of the pipeline and a paged list of subscribers (addresses masked).</summary>
public sealed class OpsService(MarketStore market, IEnumerable<IMarketSource> marketSources, INotificationQueue queue, SubscriberStore subscribers, TimeProvider time)
{
    public const int MaxPageSize = 200;

    public async Task<HealthView> HealthAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var snapshot = await market.LatestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var quotes = snapshot?.Quotes ?? [];
        var states = await market.ReadSourceStatesAsync(cancellationToken).ConfigureAwait(false);
        var sources = marketSources.Select(s => s.Name)
            .Concat(quotes.Select(q => q.Source).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var usable = quotes.Where(q => q.Source == name && q.Status == QuoteStatus.Ok).ToList();
                var health = usable.Max(q => q.AsOf) is { } asOf
                    ? new SourceHealth(name, asOf, (now - asOf).TotalSeconds, usable.Count)
                    : new SourceHealth(name, null, null, 0);
                return states.TryGetValue(name, out var state)
                    ? health with { State = state.State.ToString().ToLowerInvariant(), Since = state.Since, LastError = state.LastError, LastErrorAt = state.LastErrorAt }
                    : health;
            })
            .ToList();
        var depth = await queue.GetDepthAsync(cancellationToken).ConfigureAwait(false);
        var tick = await market.LastTickAsync(cancellationToken).ConfigureAwait(false);
        return new HealthView(now, snapshot?.TakenAt, sources, depth.Waiting, depth.DeadLettered, tick?.StartedAt, tick?.Duration.TotalMilliseconds, tick?.Subscribers);
    }

    public async Task<ApiOutcome<OpsSubscriberPage>> SubscribersAsync(string? pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var size = 50;
        if (pageSize is not null && (!int.TryParse(pageSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return ApiOutcome.Error<OpsSubscriberPage>("pageSize", $"Must be a whole number from 1 to {MaxPageSize}.");
        }

        try
        {
            var (page, next) = await subscribers.ListAsync(size, continuation, cancellationToken).ConfigureAwait(false);
            return new ApiOutcome<OpsSubscriberPage>.Ok(new OpsSubscriberPage(
                page.Select(s => new OpsSubscriberView(s.Id, s.Phone is null ? null : Redact.Phone(s.Phone), s.SmsState, s.Email is null ? null : Redact.Email(s.Email), s.EmailState, s.CreatedAt)).ToList(),
                next));
        }
        catch (FormatException)
        {
            return ApiOutcome.Error<OpsSubscriberPage>("continuation", "Not a continuation token from this API.");
        }
    }
}
