namespace DeRisk.Market;

/// <summary>CoinGecko's API plans (https://www.coingecko.com/en/api/pricing).</summary>
public enum CoinGeckoPlan
{
    /// <summary>No key, https://api.coingecko.com: the public API, its rate varying with traffic.</summary>
    Keyless,

    /// <summary>A free Demo key (x-cg-demo-api-key), https://api.coingecko.com: 30 calls/min, 10,000 calls a month, 365 days of history.</summary>
    Demo,

    /// <summary>A paid key (x-cg-pro-api-key), https://pro-api.coingecko.com: Basic 250 calls/min and 100,000 a month and up.</summary>
    Pro,
}
