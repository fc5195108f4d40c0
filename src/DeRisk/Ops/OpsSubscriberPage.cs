namespace DeRisk.Ops;

public sealed record OpsSubscriberPage(IReadOnlyList<OpsSubscriberView> Items, string? Continuation);
