using System.Globalization;
using Cronos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Market;

/// <summary>
/// In live mode, works the CoinGecko budget out when the options are first read (at start: ValidateOnStart), logs it,
/// and refuses to start when it exceeds the plan's monthly limit — naming the settings to change.
/// </summary>
public sealed class CoinGeckoBudgetValidator(IOptions<MarketOptions> market, ILogger<CoinGeckoBudgetValidator> logger) : IValidateOptions<CoinGeckoOptions>
{
    // The options are built (and validated) once for IOptions and once for the start-up check: the figures are logged once.
    private int _logged;

    public ValidateOptionsResult Validate(string? name, CoinGeckoOptions options)
    {
        try
        {
            if (market.Value.Mode != MarketMode.Live)
            {
                return ValidateOptionsResult.Success;
            }
        }
        catch (OptionsValidationException)
        {
            // Market's own settings are wrong: that is reported by their validation, once.
            return ValidateOptionsResult.Skip;
        }

        CoinGeckoBudget budget;
        try
        {
            budget = For(options);
        }
        catch (CronFormatException ex)
        {
            return ValidateOptionsResult.Fail($"MarketPollSchedule '{options.PollSchedule}' is not a schedule: {ex.Message}");
        }

        if (Interlocked.Exchange(ref _logged, 1) == 0)
        {
            MarketLog.Budget(logger, budget.Plan, budget.Polls, budget.Backfill, budget.Credits, budget.Limit, budget.Percent, budget.Attempts, budget.PerMinute, budget.BackfillInterval);
        }

        return budget.Holds
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"CoinGecko budget exceeded: MarketPollSchedule '{options.PollSchedule}' makes {budget.Polls} polls a month and the backfill of {market.Value.TrackedAssets.Count} assets (Market:Assets) up to {budget.Backfill} calls: {budget.Credits} > {budget.Limit}, the {budget.Plan} plan's monthly limit (CoinGecko:Plan, CoinGecko:MonthlyCallLimit). Poll less often, track fewer assets or change plan."));
    }

    public CoinGeckoBudget For(CoinGeckoOptions options) => CoinGeckoBudget.For(options, market.Value.TrackedAssets.Count, options.PollSchedule, market.Value.IntradayBackfill);
}
