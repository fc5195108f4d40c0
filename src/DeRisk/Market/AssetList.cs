namespace DeRisk.Market;

public sealed record AssetList(DateTimeOffset? SnapshotAt, IReadOnlyList<WatchableAsset> Assets);
