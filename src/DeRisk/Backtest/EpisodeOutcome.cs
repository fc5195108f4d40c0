namespace DeRisk.Backtest;

/// <summary>One episode of a rule and what the market did after it.</summary>
public sealed record EpisodeOutcome(
    string RuleId,
    int Episode,
    DateTimeOffset FiredAt,
    string Asset,
    double PriceAtAlert,
    DateTimeOffset BottomAt,
    double Bottom,
    double DaysAheadOfBottom,
    double MoveToBottomPercent,
    double? MoveAfter7DaysPercent);
