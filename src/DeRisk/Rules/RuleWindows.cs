namespace DeRisk.Rules;

public static class RuleWindows
{
    public static TimeSpan Span(RuleWindow window) => window switch
    {
        RuleWindow.OneHour => TimeSpan.FromHours(1),
        RuleWindow.OneDay => TimeSpan.FromHours(24),
        RuleWindow.SevenDays => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    /// <summary>The window as people write it: "1h", "24h", "7d".</summary>
    public static string Name(RuleWindow window) => window switch
    {
        RuleWindow.OneHour => "1h",
        RuleWindow.OneDay => "24h",
        RuleWindow.SevenDays => "7d",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };
}
