using System.ComponentModel.DataAnnotations;

namespace DeRisk.Market;

public sealed class CoinGeckoOptions : UpstreamOptions, IValidatableObject
{
    public const string Section = "CoinGecko";
    public const string PublicBaseUrl = "https://api.coingecko.com";
    public const string ProBaseUrl = "https://pro-api.coingecko.com";

    public CoinGeckoOptions() => BaseUrl = PublicBaseUrl;

    /// <summary>Keyless, Demo or Pro: which key header, which host, and which published limits the budget is held to.</summary>
    public CoinGeckoPlan Plan { get; set; } = CoinGeckoPlan.Keyless;

    /// <summary>The Demo or Pro API key (a secret: local.settings.json or Key Vault).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Older name of a Demo key: sent as x-cg-demo-api-key (and the plan taken as Demo) when ApiKey is not set.</summary>
    public string? DemoApiKey { get; set; }

    /// <summary>Calls per minute the plan allows; 0: the plan's published figure (Keyless 5, Demo 30, Pro 250).</summary>
    [Range(0, 100_000)]
    public int CallsPerMinute { get; set; }

    /// <summary>Calls per month the plan allows; 0: the plan's published figure (Keyless and Demo 10,000, Pro 100,000 — Basic, the smallest paid plan).</summary>
    [Range(0, 100_000_000)]
    public int MonthlyCallLimit { get; set; }

    /// <summary>The market poll's schedule (the MarketPollSchedule setting), for the budget.</summary>
    public string PollSchedule { get; internal set; } = "0 */5 * * * *";

    public CoinGeckoPlan EffectivePlan => Plan == CoinGeckoPlan.Keyless && !string.IsNullOrWhiteSpace(DemoApiKey) ? CoinGeckoPlan.Demo : Plan;

    public string? EffectiveApiKey => string.IsNullOrWhiteSpace(ApiKey) ? (string.IsNullOrWhiteSpace(DemoApiKey) ? null : DemoApiKey) : ApiKey;

    /// <summary>The header a key travels in: x-cg-pro-api-key on Pro, x-cg-demo-api-key otherwise.</summary>
    public string KeyHeader => EffectivePlan == CoinGeckoPlan.Pro ? "x-cg-pro-api-key" : "x-cg-demo-api-key";

    /// <summary>Pro keys work only on the Pro host: a Pro plan left on the public default URL goes to https://pro-api.coingecko.com.</summary>
    public string EffectiveBaseUrl => EffectivePlan == CoinGeckoPlan.Pro && BaseUrl.TrimEnd('/') == PublicBaseUrl ? ProBaseUrl : BaseUrl;

    public int EffectiveCallsPerMinute => CallsPerMinute > 0 ? CallsPerMinute : EffectivePlan switch
    {
        CoinGeckoPlan.Pro => 250,
        CoinGeckoPlan.Demo => 30,
        _ => 5,
    };

    public int EffectiveMonthlyCallLimit => MonthlyCallLimit > 0 ? MonthlyCallLimit : EffectivePlan == CoinGeckoPlan.Pro ? 100_000 : 10_000;

    /// <summary>Days of history a market_chart call may ask for: the public API (Keyless, Demo) serves the past 365 days only.</summary>
    public int MaxHistoryDays => EffectivePlan == CoinGeckoPlan.Pro ? 3650 : 365;

    /// <summary>Time between two backfill calls; empty: a fifth under the plan's calls per minute (Demo: 2.5 s), leaving room for the polls.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan? BackfillPace { get; set; }

    public TimeSpan BackfillCallInterval => BackfillPace ?? TimeSpan.FromMinutes(1.25 / EffectiveCallsPerMinute);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectivePlan != CoinGeckoPlan.Keyless && EffectiveApiKey is null)
        {
            yield return new ValidationResult($"CoinGecko:ApiKey is required on the {EffectivePlan} plan.", [nameof(ApiKey)]);
        }
    }
}
