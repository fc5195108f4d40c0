using System.ComponentModel.DataAnnotations;

namespace DeRisk.Market;

public enum MarketMode
{
    /// <summary>Plays the shipped real daily history on the replay clock (offline).</summary>
    Replay,

    /// <summary>Polls CoinGecko and alternative.me.</summary>
    Live,
}

public sealed class MarketOptions : IValidatableObject
{
    public const string Section = "Market";

    public MarketMode Mode { get; set; } = MarketMode.Replay;

    /// <summary>Tracked assets as "SYMBOL=coingecko-id" pairs separated by commas.</summary>
    [Required]
    public string Assets { get; set; } = "BTC=bitcoin,ETH=ethereum,UST=terrausd,LUNA=terra-luna,USDC=usd-coin,USDT=tether";

    /// <summary>A price older than this, when polled, is recorded as missing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PriceStalenessLimit { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The Fear &amp; Greed Index is published once a day; older than this it is recorded as missing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IndexStalenessLimit { get; set; } = TimeSpan.FromHours(26);

    /// <summary>How much history the evaluator loads for windowed rules.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "400.00:00:00")]
    public TimeSpan HistoryWindow { get; set; } = TimeSpan.FromDays(8);

    /// <summary>
    /// How long polled points and snapshots are kept (housekeeping deletes older ones); longer than the history window
    /// plus the staleness limits, so nothing a tick reads is ever gone. Daily highs and closes are kept for good.
    /// </summary>
    [Range(typeof(TimeSpan), "2.00:00:00", "3650.00:00:00")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// Days of daily highs and closes the tick loads, for drawdown and portfolio rules: at least the longest window a rule
    /// may ask for (<see cref="Rules.DrawdownRule.MaxDays"/>), so any rule a subscriber saves has its whole window. The
    /// backtest loads what its own rules need (<see cref="HistoryNeeds"/>).
    /// </summary>
    [Range(Rules.DrawdownRule.MaxDays, 3650)]
    public int DailyHistoryDays { get; set; } = Rules.DrawdownRule.MaxDays;

    public IReadOnlyList<TrackedAsset> TrackedAssets => ParseAssets(Assets, out _);

    public TimeSpan StalenessLimitFor(string asset) =>
        string.Equals(asset, Market.Assets.FearAndGreed, StringComparison.OrdinalIgnoreCase) ? IndexStalenessLimit : PriceStalenessLimit;

    public bool IsTracked(string asset) =>
        string.Equals(asset, Market.Assets.FearAndGreed, StringComparison.OrdinalIgnoreCase)
        || TrackedAssets.Any(a => string.Equals(a.Symbol, asset, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every symbol in a snapshot: the tracked assets and the Fear &amp; Greed Index.</summary>
    public IEnumerable<string> AllSymbols => TrackedAssets.Select(a => a.Symbol).Append(Market.Assets.FearAndGreed);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        ParseAssets(Assets, out var error);
        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(Assets)]);
        }

        var needed = HistoryWindow + (IndexStalenessLimit > PriceStalenessLimit ? IndexStalenessLimit : PriceStalenessLimit);
        if (HistoryRetention <= needed)
        {
            yield return new ValidationResult(
                $"Market:HistoryRetention ({HistoryRetention}) must be longer than Market:HistoryWindow plus the longest staleness limit ({needed}): ticks read that far back.",
                [nameof(HistoryRetention)]);
        }
    }

    internal static List<TrackedAsset> ParseAssets(string value, out string? error)
    {
        error = null;
        var result = new List<TrackedAsset>();
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0
                || !parts[0].All(char.IsAsciiLetterOrDigit) || !parts[1].All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error = $"Market:Assets entry '{pair}' must look like SYMBOL=coingecko-id.";
                continue;
            }

            result.Add(new TrackedAsset(parts[0].ToUpperInvariant(), parts[1]));
        }

        if (result.Count == 0 && error is null)
        {
            error = "Market:Assets names no asset.";
        }

        return result;
    }
}

public sealed record TrackedAsset(string Symbol, string CoinGeckoId);

/// <summary>An HTTP upstream: its base URL (a setting, so tests and local runs point it at a fake) and its patience.</summary>
public abstract class UpstreamOptions
{
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>Time allowed for one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within one poll for 429, 5xx and timeouts; a Retry-After longer than MaxRetryDelay fails the poll at once (the next poll tries again).</summary>
    [Range(0, 5)]
    public int RetryAttempts { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries, Retry-After included: a poll never stalls on one upstream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class CoinGeckoOptions : UpstreamOptions
{
    public const string Section = "CoinGecko";

    public CoinGeckoOptions() => BaseUrl = "https://api.coingecko.com";

    /// <summary>Optional demo API key, sent as the x-cg-demo-api-key header.</summary>
    public string? DemoApiKey { get; set; }
}

public sealed class AlternativeMeOptions : UpstreamOptions
{
    public const string Section = "AlternativeMe";

    public AlternativeMeOptions() => BaseUrl = "https://api.alternative.me";
}

public sealed class ReplayOptions
{
    public const string Section = "Replay";

    /// <summary>The replayed moment at which the app starts.</summary>
    public DateTimeOffset Start { get; set; } = new(2022, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Replayed seconds per wall-clock second (43200 plays one day in two seconds).</summary>
    [Range(0.001, 10_000_000)]
    public double Speed { get; set; } = 1;
}
