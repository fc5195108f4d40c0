using System.Globalization;
using System.Text.Json;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Subscribers;

public sealed record SubscriberView(string Id, string Phone, bool SmsEnabled, DateTimeOffset CreatedAt, string TimeZone, QuietHoursView? QuietHours, int DailyCap, IReadOnlyList<RuleView> Rules);

public sealed record QuietHoursView(string Start, string End);

public sealed record RuleView(string Id, RuleSpec Rule, DateTimeOffset CreatedAt);

/// <summary>The outcome of a write through the subscriber API.</summary>
public abstract record ApiOutcome<T>
{
    public sealed record Created(T Value) : ApiOutcome<T>;

    public sealed record NotFound : ApiOutcome<T>;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ApiOutcome<T>;
}

/// <summary>Sign-up and rule changes: validates everything first, then writes; invalid input writes nothing.</summary>
public sealed class SubscriberService(
    SubscriberStore store,
    IOptions<MarketOptions> market,
    TimeProvider time,
    ILogger<SubscriberService> logger)
{
    public async Task<ApiOutcome<SubscriberView>> CreateAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return new ApiOutcome<SubscriberView>.Invalid(errors);
        }

        string[] known = ["phone", "timeZone", "quietHours", "dailyCap"];
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal)))
        {
            errors[property.Name.Length <= 40 ? property.Name : property.Name[..40]] = ["Unknown field."];
        }

        var preferences = DeliveryPreferencesJson.Read(body, errors);

        string? raw = null;
        if (body.TryGetProperty("phone", out var phoneElement) && phoneElement.ValueKind != JsonValueKind.Null)
        {
            if (phoneElement.ValueKind == JsonValueKind.String)
            {
                raw = phoneElement.GetString();
            }
            else
            {
                errors["phone"] = ["Must be a string."];
            }
        }

        string phone = "";
        if (!errors.ContainsKey("phone") && !PhoneNumberRules.TryNormalize(raw, out phone, out var phoneError))
        {
            errors["phone"] = [phoneError];
        }

        if (errors.Count > 0)
        {
            return new ApiOutcome<SubscriberView>.Invalid(errors);
        }

        var subscriber = new Subscriber(RowKeys.NewId(time), phone, SmsEnabled: true, time.GetUtcNow(), preferences);
        if (!await store.TryCreateAsync(subscriber, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A freshly generated subscriber id already exists.");
        }

        var masked = Redact.Phone(subscriber.Phone);
        SubscriberLog.Created(logger, subscriber.Id, masked);
        return new ApiOutcome<SubscriberView>.Created(ToView(new SubscriberWithRules(subscriber, [])));
    }

    public async Task<ApiOutcome<RuleView>> AddRuleAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        if (!RowKeys.IsId(subscriberId))
        {
            return new ApiOutcome<RuleView>.NotFound();
        }

        var parsed = new RuleParser(market.Value.IsTracked).Parse(body);
        if (!parsed.IsValid)
        {
            return new ApiOutcome<RuleView>.Invalid(parsed.Errors);
        }

        var rule = new StoredRule(RowKeys.NewId(time), parsed.Rule!, time.GetUtcNow());
        if (!await store.TryAddRuleAsync(subscriberId, rule, cancellationToken).ConfigureAwait(false))
        {
            return new ApiOutcome<RuleView>.NotFound();
        }

        SubscriberLog.RuleAdded(logger, subscriberId, rule.Id);
        return new ApiOutcome<RuleView>.Created(new RuleView(rule.Id, rule.Spec, rule.CreatedAt));
    }

    public async Task<SubscriberView?> GetAsync(string subscriberId, CancellationToken cancellationToken)
    {
        if (!RowKeys.IsId(subscriberId))
        {
            return null;
        }

        var found = await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return found is null ? null : ToView(found);
    }

    private static SubscriberView ToView(SubscriberWithRules s) =>
        new(s.Subscriber.Id, s.Subscriber.Phone, s.Subscriber.SmsEnabled, s.Subscriber.CreatedAt,
            s.Subscriber.Delivery.TimeZone,
            s.Subscriber.Delivery is { QuietStart: { } start, QuietEnd: { } end } ? new QuietHoursView(start.ToString("HH:mm", CultureInfo.InvariantCulture), end.ToString("HH:mm", CultureInfo.InvariantCulture)) : null,
            s.Subscriber.Delivery.DailyCap,
            s.Rules.Select(r => new RuleView(r.Id, r.Spec, r.CreatedAt)).ToList());
}

internal static partial class SubscriberLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Subscriber {SubscriberId} created for {Phone}")]
    public static partial void Created(ILogger logger, string subscriberId, string phone);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Rule {RuleId} added for subscriber {SubscriberId}")]
    public static partial void RuleAdded(ILogger logger, string subscriberId, string ruleId);
}
