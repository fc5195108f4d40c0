using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>The windows a windowed rule may use, written "1h", "24h" and "7d".</summary>
public enum RuleWindow
{
    [JsonStringEnumMemberName("1h")]
    OneHour,

    [JsonStringEnumMemberName("24h")]
    OneDay,

    [JsonStringEnumMemberName("7d")]
    SevenDays,
}
