namespace DeRisk.SignUp;

/// <summary>The outcome of asking for a unit of a limit: allowed, or when to try again.</summary>
public readonly record struct LimitDecision(bool Allowed, TimeSpan RetryAfter);
