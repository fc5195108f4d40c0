using System.Globalization;

namespace DeRisk.Storage;

/// <summary>Key helpers shared by the stores.</summary>
public static class RowKeys
{
    /// <summary>A row key that sorts newest first: the ticks left until DateTimeOffset.MaxValue, zero-padded.</summary>
    public static string NewestFirst(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The shard (partition key) of a subscriber: a stable FNV-1a hash of its id.</summary>
    public static string Shard(string subscriberId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        uint hash = 2166136261;
        foreach (var c in subscriberId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return ShardName((int)(hash % (uint)shardCount));
    }

    public static string ShardName(int index) => "s" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>True for the ids DeRisk issues (32 lowercase hex digits); anything else is never used as a key.</summary>
    public static bool IsId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) =>
        value is { Length: 32 } && value.All(static c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static string NewId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
}
