using DeRisk.Contracts;
using DeRisk.Rules;
using DeRisk.Tick;
using FsCheck.Xunit;

namespace DeRisk.Tests.Tick;

/// <summary>
/// Properties of the alert lifecycle over arbitrary paths of a "drop 10 % in 24 h" rule, one tick every five minutes.
/// Each step of a path is a 24 h change in [-30 %, +10 %] or missing data.
/// </summary>
public sealed class LifecyclePropertyTests
{
    private const double Limit = 10;
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = new(2022, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Step(int Index, DateTimeOffset At, double? Change, Transition Transition);

    /// <summary>Maps raw generated integers onto a path: every 7th value is missing data, the rest a change in [-30, 10].</summary>
    private static double?[] PathOf(int[] raw) =>
        raw.Select(x => Math.Abs(x % 7) == 3 ? (double?)null : -30 + (Math.Abs(x) % 401 / 10.0)).ToArray();

    private static List<Step> Run(RuleSpec rule, double?[] path)
    {
        var state = AlertState.Initial("s", "r");
        var steps = new List<Step>();
        for (var i = 0; i < path.Length; i++)
        {
            var now = Start + (Tick * i);
            var verdict = path[i] is { } change
                ? Verdict.Of(change <= -Limit, change, -Limit, change > -Limit * RuleEvaluator.ChangeRecovery)
                : Verdict.NoData("missing");
            var transition = AlertLifecycle.Next(state, rule, verdict, now);
            state = transition switch
            {
                Transition.Fire t => t.Next,
                Transition.Repeat t => t.Next,
                Transition.Resolve t => t.Next,
                Transition.Pend t => t.Next,
                Transition.Cancel t => t.Next,
                _ => state,
            };
            steps.Add(new Step(i, now, path[i], transition));
        }

        return steps;
    }

    private static PriceChangeRule Rule(string? hold = null, string? repeat = null) =>
        new PriceChangeRule("BTC", ChangeDirection.Drop, Limit, RuleWindow.OneDay) { For = DurationJsonConverter.Parse(hold), RepeatEvery = DurationJsonConverter.Parse(repeat) };

    [Property(MaxTest = 500)]
    public bool One_notification_per_episode_plus_repeats_no_closer_than_the_interval(int[] raw)
    {
        var repeat = TimeSpan.FromMinutes(30);
        var steps = Run(Rule(repeat: "30m"), PathOf(raw));
        DateTimeOffset? lastNotified = null;
        var open = false;
        foreach (var step in steps)
        {
            switch (step.Transition)
            {
                case Transition.Fire:
                    if (open)
                    {
                        return false;
                    }

                    open = true;
                    lastNotified = step.At;
                    break;
                case Transition.Repeat:
                    if (!open || step.At - lastNotified < repeat)
                    {
                        return false;
                    }

                    lastNotified = step.At;
                    break;
                case Transition.Resolve:
                    open = false;
                    break;
            }
        }

        return true;
    }

    [Property(MaxTest = 500)]
    public bool Notifications_happen_only_on_ticks_with_data_that_meets_the_condition(int[] raw)
    {
        var steps = Run(Rule(repeat: "15m"), PathOf(raw));
        return steps.Where(s => s.Transition is Transition.Fire or Transition.Repeat).All(s => s.Change is { } c && c <= -Limit)
            && steps.Where(s => s.Transition is Transition.Resolve).All(s => s.Change is { } c && c > -Limit * RuleEvaluator.ChangeRecovery);
    }

    [Property(MaxTest = 500)]
    public bool A_path_inside_the_hysteresis_band_after_firing_never_fires_again(int[] raw)
    {
        // First tick meets the condition; afterwards the change stays in the band (-10, -7.5] or is missing.
        var band = raw.Select(x => Math.Abs(x % 5) == 0 ? (double?)null : -7.5 - (Math.Abs(x) % 249 / 100.0)).Prepend(-12.0).ToArray();
        var steps = Run(Rule(), band);
        return steps.Count(s => s.Transition is Transition.Fire) == 1 && !steps.Any(s => s.Transition is Transition.Resolve);
    }

    [Property(MaxTest = 300)]
    public bool Missing_data_alone_never_fires_or_resolves(int length)
    {
        var steps = Run(Rule(), Enumerable.Repeat<double?>(null, Math.Abs(length) % 200).ToArray());
        return steps.All(s => s.Transition is Transition.None);
    }

    [Property(MaxTest = 500)]
    public bool With_a_hold_time_it_fires_only_after_the_condition_has_held_that_long(int[] raw)
    {
        var hold = TimeSpan.FromMinutes(20);
        var steps = Run(Rule(hold: "20m"), PathOf(raw));
        DateTimeOffset? heldSince = null;
        foreach (var step in steps)
        {
            if (step.Change is { } change)
            {
                heldSince = change <= -Limit ? heldSince ?? step.At : null;
            }

            if (step.Transition is Transition.Fire && (heldSince is null || step.At - heldSince < hold))
            {
                return false;
            }
        }

        return true;
    }
}
