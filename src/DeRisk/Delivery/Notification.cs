using System.Globalization;
using System.Text.Json;

namespace DeRisk.Delivery;

/// <summary>
/// One message to one channel: every rule and episode it covers (a tick groups a subscriber's alerts into one), the
/// text rendered for that channel (an email also has a subject and an HTML part), whether it is critical, when it was
/// made and (quiet hours) when it is due. Its id is deterministic in (subscriber, rules, episodes, channel), so a
/// repeated or concurrent tick produces the same id, which queue duplicate detection and the dispatcher's delivery
/// record both drop. The address is not in the message: the dispatcher reads the subscriber's channel when it sends.
/// </summary>
public sealed record Notification(
    string Id,
    string SubscriberId,
    IReadOnlyList<RuleEpisode> Rules,
    string Channel,
    string Text,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliverAt = null,
    bool Critical = false,
    string? Subject = null,
    string? Html = null)
{
    /// <summary>When it was meant to go out: the tick, or the end of the quiet hours it waited for.</summary>
    public DateTimeOffset Due => DeliverAt is { } at && at > CreatedAt ? at : CreatedAt;

    public const string SmsChannel = "sms";
    public const string EmailChannel = "email";

    public static readonly IReadOnlyList<string> Channels = [SmsChannel, EmailChannel];

    /// <summary>The rule ids it covers, in its order.</summary>
    public IEnumerable<string> RuleIds => Rules.Select(r => r.RuleId);

    /// <summary>
    /// The id of the copy for one channel: the SMS copy keeps the planned id, other channels append theirs, so each
    /// channel's delivery is recorded, de-duplicated and retried on its own.
    /// </summary>
    public static string IdForChannel(string plannedId, string channel) => channel == SmsChannel ? plannedId : $"{plannedId}.{channel}";

    public static string IdFor(string subscriberId, string ruleId, int episode) =>
        string.Create(CultureInfo.InvariantCulture, $"{subscriberId}-{ruleId}-{episode}");

    public BinaryData ToBinary() => BinaryData.FromObjectAsJson(this, Json);

    public static Notification? FromBinary(BinaryData data)
    {
        try
        {
            return data.ToObjectFromJson<Notification>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
