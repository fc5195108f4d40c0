using DeRisk.Market;

namespace DeRisk.Tick;

/// <summary>What a tick did: in fan-out mode the evaluation happens in the shard functions, and <see cref="ShardsQueued"/> says how many.</summary>
public sealed record TickResult(MarketSnapshot Snapshot, EvaluationResult Evaluation, int ShardsQueued = 0);
