using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>CoinGecko's /api/v3/simple/price with include_last_updated_at.</summary>
public sealed class CoinGeckoSource(HttpClient http, ILogger<CoinGeckoSource> logger) : IMarketSource
{
    public const string SourceName = "coingecko";

    public string Name => SourceName;

    public async Task<MarketReading> ReadAsync(IReadOnlyList<TrackedAsset> assets, CancellationToken cancellationToken)
    {
        if (assets.Count == 0)
        {
            return MarketReading.Ok([]);
        }

        var ids = string.Join(',', assets.Select(a => Uri.EscapeDataString(a.CoinGeckoId)));
        var path = $"/api/v3/simple/price?ids={ids}&vs_currencies=usd&include_last_updated_at=true";
        try
        {
            using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Fail($"HTTP {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Fail("response is not a JSON object");
            }

            var quotes = new List<SourceQuote>(assets.Count);
            foreach (var asset in assets)
            {
                if (json.RootElement.TryGetProperty(asset.CoinGeckoId, out var coin)
                    && coin.ValueKind == JsonValueKind.Object
                    && coin.TryGetProperty("usd", out var usd) && usd.ValueKind == JsonValueKind.Number
                    && coin.TryGetProperty("last_updated_at", out var updated) && updated.ValueKind == JsonValueKind.Number
                    && usd.GetDouble() is var price && double.IsFinite(price) && price > 0)
                {
                    quotes.Add(new SourceQuote(asset.Symbol, price, DateTimeOffset.FromUnixTimeSeconds(updated.GetInt64()), SourceName));
                }
            }

            return MarketReading.Ok(quotes);
        }
        catch (JsonException ex)
        {
            return Fail("malformed JSON: " + ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return Fail(ex.Message);
        }
        catch (TimeoutException ex)
        {
            return Fail(ex.Message);
        }
        catch (Polly.ExecutionRejectedException ex)
        {
            // Timed out or circuit open: the resilience pipeline gave up on this poll.
            return Fail(ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail("timed out");
        }

        MarketReading Fail(string reason)
        {
            MarketLog.SourceFailed(logger, SourceName, reason);
            return MarketReading.Failed(reason);
        }
    }
}
