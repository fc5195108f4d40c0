namespace DeRisk.Subscribers;

/// <summary>What a change to a subscriber's rules did.</summary>
public enum RuleWrite
{
    Done,
    NoSubscriber,
    NoRule,
    TooMany,
    TooLarge,
}
