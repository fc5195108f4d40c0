using System.Globalization;
using System.Text.Json;

namespace DeRisk.Delivery;

/// <summary>
/// One alert to deliver. Its id is deterministic — (subscriber, rule, episode) — so a repeated or concurrent tick
/// produces the same id, which queue duplicate detection and the dispatcher's delivery record both drop.
/// The phone number is not in the message: the dispatcher reads the subscriber's channel when it sends.
/// <see cref="DeliverAt"/> is set when quiet hours deferred it: its age counts from then, not from the tick.
/// </summary>
public sealed record Notification(string Id, string SubscriberId, string RuleId, int Episode, string Channel, string Text, DateTimeOffset CreatedAt, DateTimeOffset? DeliverAt = null)
{
    /// <summary>When it was meant to go out: the tick, or the end of the quiet hours it waited for.</summary>
    public DateTimeOffset Due => DeliverAt is { } at && at > CreatedAt ? at : CreatedAt;

    public const string SmsChannel = "sms";
    public const string EmailChannel = "email";

    public static readonly IReadOnlyList<string> Channels = [SmsChannel, EmailChannel];

    /// <summary>
    /// This alert for one channel. The SMS copy keeps the planned id; other channels append theirs, so each channel's
    /// delivery is recorded, de-duplicated and retried on its own.
    /// </summary>
    public Notification ForChannel(string channel) =>
        channel == SmsChannel ? this with { Channel = channel } : this with { Id = $"{Id}.{channel}", Channel = channel };

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
