namespace DeRisk.Subscribers;

public sealed record SubscriberWithRules(Subscriber Subscriber, IReadOnlyList<StoredRule> Rules);
