namespace DeRisk.SignUp;

/// <summary>One unit of one limit a request needs: at most <paramref name="Max"/> per <paramref name="Window"/> for <paramref name="Key"/>.</summary>
public sealed record LimitRequest(string Limit, string Key, int Max, TimeSpan Window);
