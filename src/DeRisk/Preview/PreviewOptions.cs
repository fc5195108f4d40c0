using System.ComponentModel.DataAnnotations;

namespace DeRisk.Preview;

/// <summary>Bounds on <c>POST /api/preview</c>: how often a subscriber may ask and how much history one request replays.</summary>
public sealed class PreviewOptions
{
    public const string Section = "Preview";

    /// <summary>Previews one subscriber may run per hour (counted in Table Storage like the other limits).</summary>
    [Range(1, 10_000)]
    public int PerSubscriberPerHour { get; set; } = 60;

    /// <summary>The longest range one preview replays, in days (one tick a day): about two years by default; at least the named "lastYear".</summary>
    [Range(365, 1_100)]
    public int MaxDays { get; set; } = 731;
}
