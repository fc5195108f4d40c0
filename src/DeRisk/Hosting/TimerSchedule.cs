using System.Globalization;
using Cronos;

namespace DeRisk.Hosting;

/// <summary>
/// A timer function's schedule as the Functions host reads it: an NCRONTAB expression (six fields, seconds first; or
/// five), read with Cronos, or a TimeSpan period ("00:05:00"). One reading for the CoinGecko budget (polls a month)
/// and the planner (when the next tick runs).
/// </summary>
public sealed class TimerSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _period;

    private TimerSchedule(CronExpression? cron, TimeSpan period) => (_cron, _period) = (cron, period);

    /// <summary>Reads a schedule; throws <see cref="CronFormatException"/> when it is neither a period nor NCRONTAB.</summary>
    public static TimerSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var period) && period > TimeSpan.Zero)
        {
            return new TimerSchedule(null, period);
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new TimerSchedule(CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), TimeSpan.Zero);
    }

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimerSchedule? schedule)
    {
        try
        {
            schedule = Parse(text);
            return true;
        }
        catch (CronFormatException)
        {
            schedule = null;
            return false;
        }
    }

    /// <summary>The first occurrence after <paramref name="after"/>, if any.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _cron is null ? after + _period
        : _cron.GetNextOccurrence(after.UtcDateTime) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>How many times it fires in [from, to).</summary>
    public int CountIn(DateTime from, DateTime to) =>
        _cron is null ? (int)Math.Ceiling((to - from) / _period) : _cron.GetOccurrences(from, to, fromInclusive: true, toInclusive: false).Count();
}
