using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DeRisk.Contracts;
using DeRisk.Rules;
using DeRisk.Storage;
using Microsoft.Extensions.Options;

namespace DeRisk.Subscribers;

/// <summary>
/// Subscribers and their rules: partition = shard, one row per subscriber holding the profile and the rules (as JSON),
/// so a shard scan reads one entity per subscriber and a subscriber is one point read. Rule changes are
/// read-modify-write with the row's ETag.
/// </summary>
public sealed class SubscriberStore(DeRiskTables tables, IOptions<StorageOptions> options)
{
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
            [prefix + "ChangeReason"] = state == ChannelState.Active ? "address confirmed" : "address added",
        };
        return await MergeExistingAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a channel's address (the profile keeps no trace of it) unless <paramref name="refuse"/>, asked about the
    /// profile as it is, gives a reason not to. The check and the write are one ETag-guarded step, so two removals at
    /// once cannot both pass a check that only one of them may. Returns the removed address, or why not (null profile:
    /// no such subscriber).
    /// </summary>
    public async Task<(Subscriber? Profile, string? Removed, string? Refused)> RemoveAddressAsync(
        string subscriberId, string channel, DateTimeOffset at, Func<Subscriber, string?> refuse, CancellationToken cancellationToken)
    {
        var prefix = ColumnPrefix(channel);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(ShardOf(subscriberId), subscriberId, ProfileColumns, cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } found)
            {
                return (null, null, null);
            }

            var profile = ToSubscriber(found);
            if (refuse(profile) is { } why)
            {
                return (profile, null, why);
            }

            var entity = new TableEntity(ShardOf(subscriberId), subscriberId)
            {
                // A merge cannot drop a column: an empty string is read back as no address.
                [channel == Delivery.Notification.SmsChannel ? "Phone" : "Email"] = "",
                [prefix + "State"] = ChannelState.None,
                [prefix + "ChangedAt"] = at,
                [prefix + "ChangeReason"] = "address removed by the subscriber",
            };
            try
            {
                await tables.Subscribers.UpdateEntityAsync(entity, found.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return (profile, profile.ChannelFor(channel).Address, null);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Changed meanwhile (another removal, a confirmation): look again.
            }
            catch (RequestFailedException ex) when (ex.Status == StorageStatus.NotFound)
            {
                return (null, null, null);
            }
        }

        return (null, null, "Your profile is being changed by another request; try again.");
    }

    /// <summary>Adds a rule unless the subscriber already holds <paramref name="maxRules"/>.</summary>
    public Task<RuleWrite> TryAddRuleAsync(string subscriberId, StoredRule rule, CancellationToken cancellationToken, int maxRules = int.MaxValue) =>
        MutateRulesAsync(subscriberId, rules =>
        {
            if (rules.Count >= maxRules)
            {
                return RuleWrite.TooMany;
            }

            rules.Add(rule);
            return RuleWrite.Done;
        }, cancellationToken);

    /// <summary>Replaces an existing rule's spec (same id, same creation time).</summary>
    public Task<RuleWrite> TryReplaceRuleAsync(string subscriberId, string ruleId, RuleSpec spec, CancellationToken cancellationToken) =>
        MutateRulesAsync(subscriberId, rules =>
        {
            var index = rules.FindIndex(r => r.Id == ruleId);
            if (index < 0)
            {
                return RuleWrite.NoRule;
            }

            rules[index] = rules[index] with { Spec = spec };
            return RuleWrite.Done;
        }, cancellationToken);

    /// <summary>Removes one rule.</summary>
    public Task<RuleWrite> DeleteRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken) =>
        MutateRulesAsync(subscriberId, rules => rules.RemoveAll(r => r.Id == ruleId) > 0 ? RuleWrite.Done : RuleWrite.NoRule, cancellationToken);

    /// <summary>Removes the subscriber's row (profile and rules).</summary>
    public async Task<bool> DeleteAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var response = await tables.Subscribers.DeleteEntityAsync(ShardOf(subscriberId), subscriberId, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != StorageStatus.NotFound;
    }

    /// <summary>
    /// Read, change, write back with the ETag read: two changes at once cannot lose one another (the loser reads
    /// again and reapplies). Nothing is written unless the change says <see cref="RuleWrite.Done"/>.
    /// </summary>
    private async Task<RuleWrite> MutateRulesAsync(string subscriberId, Func<List<StoredRule>, RuleWrite> change, CancellationToken cancellationToken)
    {
        var shard = ShardOf(subscriberId);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(shard, subscriberId, [RulesColumn], cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } found)
            {
                return RuleWrite.NoSubscriber;
            }

            var rules = ReadRules(found).ToList();
            var outcome = change(rules);
            if (outcome != RuleWrite.Done)
            {
                return outcome;
            }

            var json = WriteRules(rules);
            if (json.Length > MaxRulesJsonLength)
            {
                return RuleWrite.TooLarge;
            }

            try
            {
                await tables.Subscribers.UpdateEntityAsync(new TableEntity(shard, subscriberId) { [RulesColumn] = json }, found.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return RuleWrite.Done;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Changed since read: read again and reapply.
            }
            catch (RequestFailedException ex) when (ex.Status == StorageStatus.NotFound)
            {
                return RuleWrite.NoSubscriber;
            }
        }

        throw new InvalidOperationException($"The rules of subscriber {subscriberId} kept changing under this write.");
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

    /// <summary>
    /// Subscribers created before <paramref name="createdBefore"/> who never confirmed an address (every channel pending
    /// or absent): sign-ups abandoned before the code came back. One filtered partition scan per shard.
    /// </summary>
    public async IAsyncEnumerable<Subscriber> ListUnconfirmedAsync(DateTimeOffset createdBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var shard in Shards)
        {
            // Filtered on the server: the table sends back only the unconfirmed sign-ups.
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {shard} and Type eq {ProfileType} and CreatedAt lt {createdBefore} and (SmsState eq {ChannelState.Pending} or SmsState eq {ChannelState.None}) and (EmailState eq {ChannelState.Pending} or EmailState eq {ChannelState.None})");
            await foreach (var row in tables.Subscribers.QueryAsync<TableEntity>(filter, select: ProfileColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                yield return ToSubscriber(row);
            }
        }
    }

    /// <summary>The subscriber's profile alone: one point read.</summary>
    public async Task<Subscriber?> GetProfileAsync(string subscriberId, CancellationToken cancellationToken)
    {
        // The profile columns only: the rules (up to 30,000 characters) stay on the server.
        var row = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(ShardOf(subscriberId), subscriberId, ProfileColumns, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToSubscriber(row.Value!) : null;
    }

    /// <summary>The subscriber with their rules: one point read.</summary>
    public async Task<SubscriberWithRules?> GetAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var row = await tables.Subscribers.GetEntityIfExistsAsync<TableEntity>(ShardOf(subscriberId), subscriberId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } found ? new SubscriberWithRules(ToSubscriber(found), ReadRules(found)) : null;
    }

    /// <summary>Every subscriber of one shard with its rules, in one partition scan (one row each).</summary>
    public async IAsyncEnumerable<SubscriberWithRules> ScanShardAsync(string shard, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard}");
        await foreach (var row in tables.Subscribers.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new SubscriberWithRules(ToSubscriber(row), ReadRules(row));
        }
    }

    /// <summary>The longest rules column: Table Storage strings hold 32K UTF-16 characters (64 KiB).</summary>
    public const int MaxRulesJsonLength = 30_000;

    internal const string RulesColumn = "Rules";

    private sealed record RuleRow(string Id, RuleSpec Spec, DateTimeOffset CreatedAt);

    private static List<StoredRule> ReadRules(TableEntity row) =>
        row.GetString(RulesColumn) is { Length: > 0 } json
            ? (JsonSerializer.Deserialize<List<RuleRow>>(json, ContractJson.Options) ?? []).Select(r => new StoredRule(r.Id, r.Spec, r.CreatedAt)).ToList()
            : [];

    private static string WriteRules(IEnumerable<StoredRule> rules) =>
        JsonSerializer.Serialize(rules.Select(r => new RuleRow(r.Id, r.Spec, r.CreatedAt)).ToList(), ContractJson.Options);

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

    /// <summary>The row of a subscriber and their rules, as stored (the load generator batches these).</summary>
    public TableEntity ToEntity(Subscriber subscriber, IEnumerable<StoredRule>? rules = null)
    {
        var entity = new TableEntity(ShardOf(subscriber.Id), subscriber.Id)
        {
            ["Type"] = ProfileType,
            ["Phone"] = subscriber.Phone,
            ["SmsState"] = subscriber.SmsState,
            ["Email"] = subscriber.Email,
            ["EmailState"] = subscriber.EmailState,
            ["CreatedAt"] = subscriber.CreatedAt,
            [RulesColumn] = WriteRules(rules ?? []),
        };
        WritePreferences(entity, subscriber.Delivery);
        return entity;
    }

    private static void WritePreferences(TableEntity entity, DeliveryPreferences preferences)
    {
        entity["TimeZone"] = preferences.TimeZone;
        entity["QuietStart"] = preferences.QuietStart?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";
        entity["QuietEnd"] = preferences.QuietEnd?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";
        entity["DailyCap"] = preferences.DailyCap;
    }

    private static readonly string[] ProfileColumns = ["RowKey", "Phone", "SmsState", "Email", "EmailState", "CreatedAt", "TimeZone", "QuietStart", "QuietEnd", "DailyCap"];

    private static Subscriber ToSubscriber(TableEntity row) =>
        new(row.RowKey,
            row.GetString("Phone") is { Length: > 0 } phone ? phone : null,
            row.GetString("SmsState") ?? ChannelState.None,
            row.GetString("Email") is { Length: > 0 } email ? email : null,
            row.GetString("EmailState") ?? ChannelState.None,
            row.GetDateTimeOffset("CreatedAt") ?? default,
            new DeliveryPreferences(
                row.GetString("TimeZone") ?? "UTC",
                TimeOnly.TryParseExact(row.GetString("QuietStart"), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) ? start : null,
                TimeOnly.TryParseExact(row.GetString("QuietEnd"), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) ? end : null,
                row.GetInt32("DailyCap") ?? DeliveryPreferences.DefaultDailyCap));
}
