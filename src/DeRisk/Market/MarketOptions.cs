using System.ComponentModel.DataAnnotations;

namespace DeRisk.Market;

public sealed class MarketOptions : IValidatableObject
{
    public const string Section = "Market";

    public MarketMode Mode { get; set; } = MarketMode.Replay;

    /// <summary>
    /// The assets a replay tracks by default: what the shipped history holds (BTC, UST, LUNA, USDC) and the two a rule
    /// most often names (ETH, USDT: "no data" in a replay).
    /// </summary>
    public const string ReplayAssets = "BTC=bitcoin,ETH=ethereum,UST=terrausd,LUNA=terra-luna,USDC=usd-coin,USDT=tether";

    /// <summary>
    /// The assets live mode tracks by default: the top 20 by market capitalisation on CoinGecko (stablecoins aside, as of
    /// late 2025) and the main dollar stablecoins, with their CoinGecko API ids — all fetched in one simple/price call.
    /// </summary>
    public const string LiveAssets =
        "BTC=bitcoin,ETH=ethereum,XRP=ripple,BNB=binancecoin,SOL=solana,TRX=tron,DOGE=dogecoin,ADA=cardano,HYPE=hyperliquid,"
        + "LINK=chainlink,BCH=bitcoin-cash,XLM=stellar,SUI=sui,AVAX=avalanche-2,LTC=litecoin,HBAR=hedera-hashgraph,"
        + "TON=the-open-network,SHIB=shiba-inu,DOT=polkadot,UNI=uniswap,"
        + "USDT=tether,USDC=usd-coin,USDE=ethena-usde,DAI=dai,USDS=usds,FDUSD=first-digital-usd,PYUSD=paypal-usd";

    /// <summary>Tracked assets as "SYMBOL=coingecko-id" pairs separated by commas; empty: <see cref="ReplayAssets"/> or <see cref="LiveAssets"/> by mode.</summary>
    public string Assets { get; set; } = "";

    /// <summary>Fill the daily history the rules need from the providers before the first poll (and each UTC day what is missing).</summary>
    public bool Backfill { get; set; } = true;

    /// <summary>
    /// Also fill the recent points the priceChange windows (1 h, 24 h, 7 d) read, where polls have not written them (a
    /// fresh deployment, an outage): CoinGecko's hourly points over the history window and its 5-minute points of the
    /// last day, so the first tick after a deployment evaluates priceChange rules too. Costs up to two calls per asset.
    /// </summary>
    public bool IntradayBackfill { get; set; } = true;

    /// <summary>
    /// Run the backfill when the app starts, as its own step before the first tick (which then waits for it, and does not
    /// count it in its duration). Off: the first tick runs it. Either way one instance at a time (Market:BackfillLease).
    /// </summary>
    public bool BackfillOnStart { get; set; } = true;

    /// <summary>
    /// How long the backfill's lease lasts (a row in the MarketSnapshots table, renewed after every asset): one instance
    /// backfills while the others skip and tick on the history there is; a holder that dies blocks the others this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan BackfillLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Days of recent points the intraday backfill keeps whole: the history window's, 2 to 90 (CoinGecko's hourly range).</summary>
    public int IntradayDays => Math.Clamp((int)Math.Ceiling(HistoryWindow.TotalDays), 2, IIntradaySource.MaxDays);

    /// <summary>How long the backfill waits before asking again for an asset whose history call failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BackfillRetryAfter { get; set; } = TimeSpan.FromHours(1);

    private string EffectiveAssets => string.IsNullOrWhiteSpace(Assets) ? (Mode == MarketMode.Live ? LiveAssets : ReplayAssets) : Assets;

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

    public IReadOnlyList<TrackedAsset> TrackedAssets => ParseAssets(EffectiveAssets, out _);

    public TimeSpan StalenessLimitFor(string asset) =>
        string.Equals(asset, Market.Assets.FearAndGreed, StringComparison.OrdinalIgnoreCase) ? IndexStalenessLimit : PriceStalenessLimit;

    public bool IsTracked(string asset) =>
        string.Equals(asset, Market.Assets.FearAndGreed, StringComparison.OrdinalIgnoreCase)
        || TrackedAssets.Any(a => string.Equals(a.Symbol, asset, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every symbol in a snapshot: the tracked assets and the Fear &amp; Greed Index.</summary>
    public IEnumerable<string> AllSymbols => TrackedAssets.Select(a => a.Symbol).Append(Market.Assets.FearAndGreed);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        ParseAssets(EffectiveAssets, out var error);
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
