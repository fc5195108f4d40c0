using Azure;
using Azure.Data.Tables;
using DeRisk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>
/// Twilio's message status callbacks (queued -> sent -> delivered / undelivered / failed with ErrorCode). The
/// X-Twilio-Signature is checked with the Twilio SDK's RequestValidator against the configured public callback URL,
/// so a forged or replayed-elsewhere call changes nothing. A status never moves a delivery backwards, and the same
/// status again (Twilio's retry of a callback, or a replay of a captured one) changes nothing.
/// </summary>
public sealed class DeliveryStatusService(
    DeRiskTables tables,
    DeliveryStore deliveries,
    Subscribers.SubscriberStore subscribers,
    INotificationQueue queue,
    IOptions<TwilioOptions> options,
    IOptions<DeRisk.Tick.TickOptions> tick,
    TwilioSignature signatures,
    TimeProvider time,
    ILogger<DeliveryStatusService> logger)
{
    /// <summary>
    /// Carrier errors after which an SMS alert goes by email instead (when the subscriber has an active email that did
    /// not get it): unreachable (30003), unknown number (30005), landline (30006), filtered (30007), unknown (30008).
    /// </summary>
    public static readonly IReadOnlySet<int> FallbackCodes = new HashSet<int> { 30003, 30005, 30006, 30007, 30008 };

    /// <summary>Carrier errors that say the number will never take SMS: the SMS channel is turned off.</summary>
    public static readonly IReadOnlySet<int> NumberUnusableCodes = new HashSet<int> { 30005, 30006 };

    public const string FallbackSuffix = ".fallback";

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
            DeliveryLog.DeliveryStatusRejected(logger);
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

        // The fallback goes first: if recording the status fails after it, Twilio's retry of this callback finds the
        // same deterministic fallback id, which queue and dispatcher keep to one email.
        if (status is "undelivered" or "failed" && int.TryParse(form.GetValueOrDefault("ErrorCode"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var errorCode)
            && FallbackCodes.Contains(errorCode) && record.GetString("Channel") == Notification.SmsChannel)
        {
            await FallBackToEmailAsync(record, errorCode, cancellationToken).ConfigureAwait(false);
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

        DeliveryLog.Updated(logger, notificationId, status);
        return StatusCallbackOutcome.Updated;
    }

    /// <summary>
    /// The carrier could not deliver an SMS alert: it goes by email once — same notification id plus ".fallback",
    /// so queue duplicate detection and the delivery record keep it to one send under any redelivery — when the
    /// subscriber has an active email that did not get this alert; and a number that will never take SMS is turned off.
    /// </summary>
    private async Task FallBackToEmailAsync(TableEntity record, int errorCode, CancellationToken cancellationToken)
    {
        var (subscriberId, notificationId) = (record.PartitionKey, record.RowKey);
        var now = time.GetUtcNow();
        if (NumberUnusableCodes.Contains(errorCode))
        {
            await subscribers.SetChannelStateAsync(subscriberId, Notification.SmsChannel, Subscribers.ChannelState.Failed, $"Twilio {errorCode}: the carrier says this number cannot take SMS", now, cancellationToken).ConfigureAwait(false);
        }

        var profile = await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (profile is not { EmailEnabled: true }
            || await deliveries.ExistsAsync(subscriberId, notificationId + "." + Notification.EmailChannel, cancellationToken).ConfigureAwait(false)
            || DeliveryStore.SentNotificationOf(record) is not var (sent, critical))
        {
            return;
        }

        var reason = errorCode switch
        {
            30005 => "your phone number is unknown to its carrier",
            30006 => "your number is a landline",
            30007 => "your carrier filtered the SMS",
            _ => "your phone could not be reached",
        };
        var email = DeRisk.Rules.AlertMessageRenderer.FallbackEmail(sent.Text, $"{reason} (Twilio {errorCode})", tick.Value.ConsoleUri);
        var fallback = sent with
        {
            Id = notificationId + FallbackSuffix,
            Channel = Notification.EmailChannel,
            Text = email.Text,
            Subject = email.Subject,
            Html = email.Html,
        };
        await queue.SendAsync(new OutgoingMessage(fallback.Id, fallback.ToBinary(), Critical: critical), cancellationToken).ConfigureAwait(false);
        DeliveryLog.Fallback(logger, notificationId, errorCode);
    }



}
