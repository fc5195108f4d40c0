using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DeRisk.Market;

/// <summary>
/// One GET of a JSON market API, with every upstream failure (non-2xx, malformed JSON, connection, timeout, the
/// resilience pipeline giving up) turned into a failed reading that is logged — never an exception.
/// </summary>
internal static class JsonUpstream
{
    public static async Task<MarketReading> ReadAsync(
        HttpClient http, string path, string source, ILogger logger, Func<JsonElement, MarketReading> parse, CancellationToken cancellationToken)
    {
        MarketReading reading;
        try
        {
            using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                reading = MarketReading.Failed($"HTTP {(int)response.StatusCode}");
            }
            else
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                reading = parse(json.RootElement);
            }
        }
        catch (JsonException ex)
        {
            reading = MarketReading.Failed("malformed JSON: " + ex.Message);
        }
        catch (HttpRequestException ex)
        {
            reading = MarketReading.Failed(ex.Message);
        }
        catch (TimeoutException ex)
        {
            reading = MarketReading.Failed(ex.Message);
        }
        catch (Polly.ExecutionRejectedException ex)
        {
            // Timed out or circuit open: the resilience pipeline gave up on this poll.
            reading = MarketReading.Failed(ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reading = MarketReading.Failed("timed out");
        }

        if (reading.Failure is { } reason)
        {
            MarketLog.SourceFailed(logger, source, reason);
        }

        return reading;
    }
}
