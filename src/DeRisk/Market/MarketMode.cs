namespace DeRisk.Market;

public enum MarketMode
{
    /// <summary>Plays the shipped real daily history on the replay clock (offline).</summary>
    Replay,

    /// <summary>Polls CoinGecko and alternative.me.</summary>
    Live,
}
