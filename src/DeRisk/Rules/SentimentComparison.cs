namespace DeRisk.Rules;

/// <summary>How the Fear &amp; Greed index is compared with its value: inclusively, since it moves in whole points.</summary>
public enum SentimentComparison
{
    AtOrBelow,
    AtOrAbove,
}
