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
        try
        {
            await tables.Subscribers.AddEntityAsync(ToEntity(subscriber), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == StorageStatus.Conflict)
        {
            return false;
        }
    }

    /// <summary>Replaces the profile's delivery preferences; false if there is no such subscriber.</summary>
    public async Task<bool> UpdatePreferencesAsync(string subscriberId, DeliveryPreferences preferences, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(ShardOf(subscriberId), subscriberId);
        WritePreferences(entity, preferences);
        return await MergeExistingAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves one channel ("sms", "email") to a state, saying why; false if there is no such subscriber.</summary>
    public async Task<bool> SetChannelStateAsync(string subscriberId, string channel, string state, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var prefix = ColumnPrefix(channel);
        var entity = new TableEntity(ShardOf(subscriberId), subscriberId)
        {
            [prefix + "State"] = state,
            [prefix + "ChangedAt"] = at,
            [prefix + "ChangeReason"] = reason.Length <= 200 ? reason : reason[..200],
        };
        return await MergeExistingAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a channel's address and state (a new address starts pending); false if there is no such subscriber.</summary>
    public async Task<bool> SetAddressAsync(string subscriberId, string channel, string address, string state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var prefix = ColumnPrefix(channel);
        var entity = new TableEntity(ShardOf(subscriberId), subscriberId)
        {
            [channel == Delivery.Notification.SmsChannel ? "Phone" : "Email"] = address,
            [prefix + "State"] = state,
            [prefix + "ChangedAt"] = at,
            [prefix + "ChangeReason"] = "address added",
        };
        return await MergeExistingAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many rules the subscriber holds (a key-only range read).</summary>
    public async Task<int> CountRulesAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ShardOf(subscriberId)} and RowKey gt {subscriberId + RuleInfix} and RowKey lt {subscriberId + RuleInfix + "~"}");
        var count = 0;
        await foreach (var unused in tables.Subscribers.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
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

        await tables.Subscribers.AddEntityAsync(ToEntity(shard, subscriberId, rule), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Replaces an existing rule's spec (same id, same creation time); false if the subscriber has no such rule.</summary>
    public async Task<bool> TryReplaceRuleAsync(string subscriberId, string ruleId, RuleSpec spec, CancellationToken cancellationToken)
    {
        var shard = ShardOf(subscriberId);
        var entity = new TableEntity(shard, subscriberId + RuleInfix + ruleId)
        {
            ["Kind"] = spec.KindName,
            ["Spec"] = JsonSerializer.Serialize(spec, RuleJson.Options),
        };
        return await MergeExistingAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes one rule; false if the subscriber has no such rule.</summary>
    public async Task<bool> DeleteRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        var response = await tables.Subscribers.DeleteEntityAsync(ShardOf(subscriberId), subscriberId + RuleInfix + ruleId, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != StorageStatus.NotFound;
    }

    /// <summary>Removes the profile and every rule, in batch transactions within the shard's partition.</summary>
    public async Task<int> DeleteAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var shard = ShardOf(subscriberId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard} and RowKey ge {subscriberId} and RowKey le {subscriberId + "|~"}");
        return await tables.Subscribers.DeleteWhereAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of profiles across all shards, in shard order; the continuation says where the next page starts.</summary>
    public async Task<(IReadOnlyList<Subscriber> Page, string? Continuation)> ListAsync(int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var (shardIndex, tableToken) = ParseContinuation(continuation);
        var page = new List<Subscriber>(pageSize);
        while (shardIndex < ShardCount)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RowKeys.ShardName(shardIndex)} and Type eq {ProfileType}");
            await foreach (var tablePage in tables.Subscribers.QueryAsync<TableEntity>(filter, maxPerPage: pageSize - page.Count, cancellationToken: cancellationToken)
                               .AsPages(tableToken, pageSize - page.Count).ConfigureAwait(false))
            {
                page.AddRange(tablePage.Values.Select(ToSubscriber));
                tableToken = tablePage.ContinuationToken;
                break;
            }

            if (tableToken is null)
            {
                shardIndex++;
            }

            if (page.Count >= pageSize)
            {
                break;
            }
        }

        var next = shardIndex < ShardCount ? string.Create(CultureInfo.InvariantCulture, $"{shardIndex}|{tableToken}") : null;
        return (page, next);
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

    private const string ProfileType = "profile";

    private static (int Shard, string? Token) ParseContinuation(string? continuation)
    {
        if (string.IsNullOrEmpty(continuation))
        {
            return (0, null);
        }

        var split = continuation.IndexOf('|', StringComparison.Ordinal);
        return split > 0 && int.TryParse(continuation.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            ? (shard, split == continuation.Length - 1 ? null : continuation[(split + 1)..])
            : throw new FormatException("Not a continuation token from this API.");
    }

    private async Task<bool> MergeExistingAsync(TableEntity entity, CancellationToken cancellationToken)
    {
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

    private static string ColumnPrefix(string channel) => channel switch
    {
        Delivery.Notification.SmsChannel => "Sms",
        Delivery.Notification.EmailChannel => "Email",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown channel."),
    };

    /// <summary>The profile row of a subscriber, as stored (the load generator batches these).</summary>
    public TableEntity ToEntity(Subscriber subscriber)
    {
        var entity = new TableEntity(ShardOf(subscriber.Id), subscriber.Id)
        {
            ["Type"] = ProfileType,
            ["Phone"] = subscriber.Phone,
            ["SmsState"] = subscriber.SmsState,
            ["Email"] = subscriber.Email,
            ["EmailState"] = subscriber.EmailState,
            ["CreatedAt"] = subscriber.CreatedAt,
        };
        WritePreferences(entity, subscriber.Delivery);
        return entity;
    }

    /// <summary>A rule row, as stored.</summary>
    public static TableEntity ToEntity(string shard, string subscriberId, StoredRule rule) => new(shard, subscriberId + RuleInfix + rule.Id)
    {
        ["Kind"] = rule.Spec.KindName,
        ["Spec"] = JsonSerializer.Serialize(rule.Spec, RuleJson.Options),
        ["CreatedAt"] = rule.CreatedAt,
    };

    private static void WritePreferences(TableEntity entity, DeliveryPreferences preferences)
    {
        entity["TimeZone"] = preferences.TimeZone;
        entity["QuietStart"] = preferences.QuietStart?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";
        entity["QuietEnd"] = preferences.QuietEnd?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";
        entity["DailyCap"] = preferences.DailyCap;
    }

    private static Subscriber ToSubscriber(TableEntity row) =>
        new(row.RowKey,
            row.GetString("Phone"),
            row.GetString("SmsState") ?? ChannelState.None,
            row.GetString("Email"),
            row.GetString("EmailState") ?? ChannelState.None,
            row.GetDateTimeOffset("CreatedAt") ?? default,
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
