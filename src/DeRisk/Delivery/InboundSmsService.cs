using Azure;
using Azure.Data.Tables;
using DeRisk.Hosting;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.TwiML;

namespace DeRisk.Delivery;

/// <summary>
/// Twilio's inbound SMS webhook: the opt-out keywords carriers require. STOP and its synonyms turn the sender's SMS
/// channel off (the next alert is suppressed, not sent); START / YES / UNSTOP turn a stopped channel back on; HELP /
/// INFO say what DeRisk is and how to stop. Replies are TwiML, built with the Twilio SDK. Each inbound message is
/// acted on once: its MessageSid is recorded after it is handled, and a signed request carrying a MessageSid already
/// recorded — Twilio's retry, or a captured STOP replayed after START — changes nothing and gets no reply.
/// </summary>
public sealed class InboundSmsService(
    DeRiskTables tables,
    ContactStore contacts,
    SubscriberStore subscribers,
    TwilioSignature signatures,
    IOptions<TwilioOptions> options,
    TimeProvider time,
    [FromKeyedServices(Clocks.Wall)] TimeProvider wallClock,
    ILogger<InboundSmsService> logger)
{
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal) { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT" };
    public static readonly IReadOnlySet<string> StartWords = new HashSet<string>(StringComparer.Ordinal) { "START", "YES", "UNSTOP" };
    public static readonly IReadOnlySet<string> HelpWords = new HashSet<string>(StringComparer.Ordinal) { "HELP", "INFO" };

    public const string HelpText = "DeRisk: crypto de-risk alerts you set up yourself. Msg&data rates may apply. Reply STOP to unsubscribe, START to resubscribe.";
    public const string StoppedText = "You are unsubscribed from DeRisk alerts and will get no more messages. Reply START to resubscribe.";
    public const string StartedText = "You are resubscribed to DeRisk alerts. Reply HELP for help, STOP to unsubscribe.";
    public const string UnknownText = "This number has no DeRisk subscription. Reply HELP for help.";
    public const string PendingText = "Confirm this number with the code DeRisk sent you first. Reply HELP for help.";

    public async Task<InboundOutcome> HandleAsync(string queryString, IReadOnlyDictionary<string, string> form, string? signature, CancellationToken cancellationToken)
    {
        if (!signatures.IsValid(options.Value.InboundUrl, queryString, form, signature))
        {
            DeliveryLog.InboundSmsRejected(logger);
            return new InboundOutcome.Rejected();
        }

        var receipt = form.GetValueOrDefault("MessageSid") is { Length: > 0 } sid ? Hashing.Sha256Hex(sid) : null;
        if (receipt is null || await tables.InboundMessages.GetEntityIfExistsAsync<TableEntity>(receipt[..2], receipt, ["PartitionKey"], cancellationToken).ConfigureAwait(false) is { HasValue: true })
        {
            DeliveryLog.Replayed(logger);
            return new InboundOutcome.Reply(new MessagingResponse().ToString());
        }

        var outcome = await ActAsync(form, cancellationToken).ConfigureAwait(false);
        try
        {
            await tables.InboundMessages.AddEntityAsync(new TableEntity(receipt[..2], receipt) { ["ReceivedAt"] = wallClock.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            // The same message handled twice at once (Twilio's retry racing the original): STOP and START are idempotent.
        }

        return outcome;
    }

    /// <summary>Deletes the records of inbound messages received before <paramref name="before"/>; returns how many.</summary>
    public Task<int> DeleteReceiptsOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        tables.InboundMessages.DeleteWhereAsync(TableClient.CreateQueryFilter($"ReceivedAt lt {before}"), cancellationToken);

    private async Task<InboundOutcome> ActAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        var keyword = Keyword(form.GetValueOrDefault("Body"));
        if (HelpWords.Contains(keyword))
        {
            return Reply(HelpText);
        }

        var isStop = StopWords.Contains(keyword);
        if (!isStop && !StartWords.Contains(keyword))
        {
            // Anything else gets no answer: a reply to every text would itself be a way to pump SMS.
            return new InboundOutcome.Reply(new MessagingResponse().ToString());
        }

        if (!PhoneNumberRules.TryNormalize(form.GetValueOrDefault("From"), out var from, out _)
            || await contacts.OwnerAsync(Notification.SmsChannel, from, cancellationToken).ConfigureAwait(false) is not { } subscriberId
            || await subscribers.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false) is not { } subscriber)
        {
            return Reply(isStop ? StoppedText : UnknownText);
        }

        var now = time.GetUtcNow();
        if (isStop)
        {
            await subscribers.SetChannelStateAsync(subscriberId, Notification.SmsChannel, ChannelState.Stopped, "STOP received", now, cancellationToken).ConfigureAwait(false);
            DeliveryLog.Stopped(logger, subscriberId);
            return Reply(StoppedText);
        }

        if (subscriber.SmsState is ChannelState.Stopped)
        {
            await subscribers.SetChannelStateAsync(subscriberId, Notification.SmsChannel, ChannelState.Active, "START received", now, cancellationToken).ConfigureAwait(false);
            DeliveryLog.Started(logger, subscriberId);
            return Reply(StartedText);
        }

        return Reply(subscriber.SmsState == ChannelState.Active ? StartedText : PendingText);
    }

    /// <summary>The message as a keyword: trimmed of spaces and punctuation, upper case ("Stop." is STOP).</summary>
    public static string Keyword(string? body) =>
        (body ?? "").Trim().Trim('.', '!', '?', ',', ';', '"', '\'').Trim().ToUpperInvariant();

    private static InboundOutcome.Reply Reply(string text)
    {
        var response = new MessagingResponse();
        response.Message(text);
        return new InboundOutcome.Reply(response.ToString());
    }




}
