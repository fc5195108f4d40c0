using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace DeRisk.Subscribers;

/// <summary>Quiet hours as a request writes them: local times "HH:mm"; they may wrap midnight ("23:00" to "07:00").</summary>
[Description("Local times during which only critical alerts are sent; they may wrap midnight.")]
public sealed record QuietHoursRequest(
    [property: RegularExpression(PreferencesRequest.TimePattern), Description("Local time \"HH:mm\".")] string Start,
    [property: RegularExpression(PreferencesRequest.TimePattern), Description("Local time \"HH:mm\".")] string End);
