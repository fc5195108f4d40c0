using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

public enum StatusCallbackOutcome
{
    /// <summary>Unsigned or wrongly signed: nothing changed.</summary>
    Rejected,

    /// <summary>Signed, but about no delivery we know, or older than what is recorded: nothing changed.</summary>
    Ignored,

    Updated,
}

/// <summary>
/// Twilio's message status callbacks (queued -> sent -> delivered / undelivered / failed with ErrorCode). The
/// X-Twilio-Signature is checked with the Twilio SDK's RequestValidator against the configured public callback URL,
/// so a forged or replayed-elsewhere call changes nothing. A status never moves a delivery backwards, and the same
/// status again (Twilio's retry of a callback, or a replay of a captured one) changes nothing.
/// </summary>
public sealed partial class DeliveryStatusService(DeRiskTables tables, IOptions<TwilioOptions> options, TwilioSignature signatures, TimeProvider time, ILogger<DeliveryStatusService> logger)
{
    public const string SubscriberParameter = "s";
    public const string NotificationParameter = "n";

    private static readonly Dictionary<string, int> Rank = new(StringComparer.Ordinal)
    {
        ["accepted"] = 0, ["scheduled"] = 0, ["queued"] = 1, ["sending"] = 2, ["sent"] = 3,
        ["delivered"] = 4, ["undelivered"] = 4, ["failed"] = 4, ["canceled"] = 4,
    };

    /// <summary>The callback URL for one notification: the configured URL plus the ids Twilio will echo back.</summary>
    public static Uri CallbackFor(string baseUrl, string subscriberId, string notificationId) =>
        new($"{baseUrl}?{SubscriberParameter}={Uri.EscapeDataString(subscriberId)}&{NotificationParameter}={Uri.EscapeDataString(notificationId)}");

    public async Task<StatusCallbackOutcome> ApplyAsync(string queryString, IReadOnlyDictionary<string, string> form, string? signature, CancellationToken cancellationToken)
    {
        if (!signatures.IsValid(options.Value.StatusCallbackUrl, queryString, form, signature))
        {
            LogRejected(logger);
            return StatusCallbackOutcome.Rejected;
        }

        var query = System.Web.HttpUtility.ParseQueryString(queryString);
        var subscriberId = query[SubscriberParameter];
        var notificationId = query[NotificationParameter];
        if (!RowKeys.IsId(subscriberId) || string.IsNullOrEmpty(notificationId) || notificationId.Length > 200
            || !form.TryGetValue("MessageSid", out var sid) || !form.TryGetValue("MessageStatus", out var status) || !Rank.TryGetValue(status, out var rank))
        {
            return StatusCallbackOutcome.Ignored;
        }

        var row = await tables.Deliveries.GetEntityIfExistsAsync<TableEntity>(subscriberId, notificationId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } record || record.GetString("ProviderId") != sid
            || (record.GetString("ProviderStatus") is { } known && Rank.TryGetValue(known, out var knownRank) && knownRank >= rank))
        {
            return StatusCallbackOutcome.Ignored;
        }

        var update = new TableEntity(subscriberId, notificationId)
        {
            ["ProviderStatus"] = status,
            ["UpdatedAt"] = time.GetUtcNow(),
        };
        if (form.TryGetValue("ErrorCode", out var code) && !string.IsNullOrEmpty(code))
        {
            update["LastError"] = $"Twilio {code} ({status})";
        }

        try
        {
            await tables.Deliveries.UpdateEntityAsync(update, record.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            // Another callback for the same message won the race; Twilio retries what it must.
            return StatusCallbackOutcome.Ignored;
        }

        LogUpdated(logger, notificationId, status);
        return StatusCallbackOutcome.Updated;
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Twilio status callback rejected: missing or invalid X-Twilio-Signature")]
    private static partial void LogRejected(ILogger logger);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Delivery of {NotificationId} is now {Status}")]
    private static partial void LogUpdated(ILogger logger, string notificationId, string status);
}
