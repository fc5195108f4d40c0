using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>
/// Runs the backfill once when the app starts (Market:BackfillOnStart), as its own step: the first tick waits for it
/// (the backfill's gate) but does not count it in its duration. A failure here is logged; the ticks try again.
/// </summary>
public sealed class MarketBackfillOnStart(MarketBackfill backfill, IOptions<MarketOptions> options, ILogger<MarketBackfillOnStart> logger) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Backfill || !options.Value.BackfillOnStart)
        {
            return;
        }

        try
        {
            await backfill.EnsureAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            MarketLog.BackfillOnStartFailed(logger, ex.Message);
        }
    }
}
