using DeRisk.Rules;

namespace DeRisk.Subscribers;

/// <summary>A subscriber and the channel DeRisk may reach them on.</summary>
public sealed record Subscriber(string Id, string Phone, bool SmsEnabled, DateTimeOffset CreatedAt);

/// <summary>A rule as stored: its id, its spec and when it was added.</summary>
public sealed record StoredRule(string Id, RuleSpec Spec, DateTimeOffset CreatedAt);

public sealed record SubscriberWithRules(Subscriber Subscriber, IReadOnlyList<StoredRule> Rules);

/// <summary>Masks personal data before it reaches a log line.</summary>
public static class Redact
{
    /// <summary>"+14155550123" becomes "+1*******23": the country code's first digit and the last two digits stay.</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }

        if (phone.Length <= 5)
        {
            return new string('*', phone.Length);
        }

        return string.Concat(phone.AsSpan(0, 2), new string('*', phone.Length - 4), phone.AsSpan(phone.Length - 2));
    }
}
