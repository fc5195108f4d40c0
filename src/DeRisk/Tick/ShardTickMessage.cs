using System.Text.Json;

namespace DeRisk.Tick;

/// <summary>One shard to evaluate against the snapshot taken at <see cref="SnapshotAt"/>.</summary>
public sealed record ShardTickMessage(string Shard, DateTimeOffset SnapshotAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ShardTickMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardTickMessage>(text, Json) is { Shard.Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
