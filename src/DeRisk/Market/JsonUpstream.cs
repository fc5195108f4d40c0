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
        HttpClient http, string path, string source, ILogger logger, Func<JsonElement, MarketReading> parse, CancellationToken cancellationToken,
        Func<int, string?, MarketReading?>? refused = null)
    {
        MarketReading reading;
        try
        {
            using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var message = await ErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
                reading = refused?.Invoke((int)response.StatusCode, message)
                    ?? MarketReading.Failed(message is null ? $"HTTP {(int)response.StatusCode}" : $"HTTP {(int)response.StatusCode}: {message}");
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

    /// <summary>
    /// The provider's own words from an error body, when it has them: CoinGecko's
    /// {"status":{"error_code":429,"error_message":"..."}}, {"error":{"status":{...}}} and {"error":"coin not found"};
    /// alternative.me's {"metadata":{"error":"..."}}. At most 300 characters; null for anything else.
    /// </summary>
    internal static async Task<string?> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ErrorMessage(json.RootElement) is { } message ? (message.Length > 300 ? message[..300] : message).Trim() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    internal static string? ErrorMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("error_message", out var message) && message.ValueKind == JsonValueKind.String)
        {
            return message.GetString();
        }

        if (root.TryGetProperty("error", out var error))
        {
            return error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Object => ErrorMessage(error),
                _ => null,
            };
        }

        return root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("error", out var metaError) && metaError.ValueKind == JsonValueKind.String
            ? metaError.GetString()
            : null;
    }
}
