namespace DeRisk.Rules;

/// <summary>How a price is compared with its level: strictly, since a level is a line to cross.</summary>
public enum PriceComparison
{
    Below,
    Above,
}
