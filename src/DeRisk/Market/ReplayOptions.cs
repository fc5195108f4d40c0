using System.ComponentModel.DataAnnotations;

namespace DeRisk.Market;

public sealed class ReplayOptions
{
    public const string Section = "Replay";

    /// <summary>The replayed moment at which the app starts.</summary>
    public DateTimeOffset Start { get; set; } = new(2022, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Replayed seconds per wall-clock second (43200 plays one day in two seconds).</summary>
    [Range(0.001, 10_000_000)]
    public double Speed { get; set; } = 1;
}
