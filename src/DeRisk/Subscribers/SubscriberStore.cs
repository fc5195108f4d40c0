using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DeRisk.Rules;
using DeRisk.Storage;
using Microsoft.Extensions.Options;

namespace DeRisk.Subscribers;

/// <summary>
/// Subscribers and their rules in one table: partition = shard, row = "{id}" for the profile and
/// "{id}|r|{ruleId}" for each rule, so one partition scan yields every subscriber of a shard with its rules.
/// </summary>
public sealed class SubscriberStore(DeRiskTables tables, IOptions<StorageOptions> options)
{
    private const string RuleInfix = "|r|";

    private int ShardCount => options.Value.ShardCount;

    public string ShardOf(string subscriberId) => RowKeys.Shard(subscriberId, ShardCount);

    public IEnumerable<string> Shards => Enumerable.Range(0, ShardCount).Select(RowKeys.ShardName);

    /// <summary>Adds the subscriber; false if one with this id already exists.</summary>
    public async Task<bool> TryCreateAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(ShardOf(subscriber.Id), subscriber.Id)
        {
            ["Phone"] = subscriber.Phone,
            ["SmsEnabled"] = subscriber.SmsEnabled,
            ["CreatedAt"] = subscriber.CreatedAt,
            ["TimeZone"] = subscriber.Delivery.TimeZone,
            ["QuietStart"] = subscriber.Delivery.QuietStart?.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["QuietEnd"] = subscriber.Delivery.QuietEnd?.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["DailyCap"] = subscriber.Delivery.DailyCap,
        };
        try
        {
            await tables.Subscribers.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            return false;
        }
    }

    /// <summary>Turns the subscriber's SMS channel off (or on), saying why; false if there is no such subscriber.</summary>
    public async Task<bool> SetSmsEnabledAsync(string subscriberId, bool enabled, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(ShardOf(subscriberId), subscriberId)
        {
            ["SmsEnabled"] = enabled,
            ["SmsChangedAt"] = at,
            ["SmsChangeReason"] = reason.Length <= 200 ? reason : reason[..200],
        };
        try
        {
            await tables.Subscribers.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.NotFound)
        {
            return false;
        }
    }

    /// <summary>Adds a rule to an existing subscriber; false if there is no such subscriber.</summary>
    public async Task<bool> TryAddRuleAsync(string subscriberId, StoredRule rule, CancellationToken cancellationToken)
    {
        var shard = ShardOf(subscriberId);
        var profile = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(shard, subscriberId, ["RowKey"], cancellationToken).ConfigureAwait(false);
        if (!profile.HasValue)
        {
            return false;
        }

        var entity = new TableEntity(shard, subscriberId + RuleInfix + rule.Id)
        {
            ["Kind"] = rule.Spec.KindName,
            ["Spec"] = JsonSerializer.Serialize(rule.Spec, RuleJson.Options),
            ["CreatedAt"] = rule.CreatedAt,
        };
        await tables.Subscribers.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The subscriber's profile alone: one point read.</summary>
    public async Task<Subscriber?> GetProfileAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var row = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(ShardOf(subscriberId), subscriberId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToSubscriber(row.Value!) : null;
    }

    public async Task<SubscriberWithRules?> GetAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var shard = ShardOf(subscriberId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard} and RowKey ge {subscriberId} and RowKey le {subscriberId + "|~"}");
        await foreach (var found in ReadAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            return found;
        }

        return null;
    }

    /// <summary>Every subscriber of one shard with its rules, in one partition scan.</summary>
    public IAsyncEnumerable<SubscriberWithRules> ScanShardAsync(string shard, CancellationToken cancellationToken) =>
        ReadAsync(TableClient.CreateQueryFilter($"PartitionKey eq {shard}"), cancellationToken);

    private async IAsyncEnumerable<SubscriberWithRules> ReadAsync(string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Subscriber? current = null;
        var rules = new List<StoredRule>();
        await foreach (var row in tables.Subscribers.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var split = row.RowKey.IndexOf(RuleInfix, StringComparison.Ordinal);
            if (split < 0)
            {
                if (current is not null)
                {
                    yield return new SubscriberWithRules(current, rules);
                }

                current = ToSubscriber(row);
                rules = [];
            }
            else if (current is not null && row.RowKey.AsSpan(0, split).SequenceEqual(current.Id))
            {
                var spec = JsonSerializer.Deserialize<RuleSpec>(row.GetString("Spec"), RuleJson.Options)
                    ?? throw new InvalidDataException($"Rule {row.RowKey} has no spec.");
                rules.Add(new StoredRule(row.RowKey[(split + RuleInfix.Length)..], spec, row.GetDateTimeOffset("CreatedAt") ?? default));
            }
        }

        if (current is not null)
        {
            yield return new SubscriberWithRules(current, rules);
        }
    }

    private static Subscriber ToSubscriber(TableEntity row) =>
        new(row.RowKey, row.GetString("Phone"), row.GetBoolean("SmsEnabled") ?? false, row.GetDateTimeOffset("CreatedAt") ?? default,
            new DeliveryPreferences(
                row.GetString("TimeZone") ?? "UTC",
                TimeOnly.TryParseExact(row.GetString("QuietStart"), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) ? start : null,
                TimeOnly.TryParseExact(row.GetString("QuietEnd"), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) ? end : null,
                row.GetInt32("DailyCap") ?? DeliveryPreferences.DefaultDailyCap));
}

/// <summary>The JSON form of rules, shared by the API and storage.</summary>
public static class RuleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
