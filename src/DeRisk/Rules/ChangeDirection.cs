namespace DeRisk.Rules;

public enum ChangeDirection
{
    Drop,
    Rise,
}
