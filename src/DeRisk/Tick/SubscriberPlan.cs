using DeRisk.Delivery;
using DeRisk.Rules;

namespace DeRisk.Tick;

/// <summary>
/// What one tick does for one subscriber: the states to write, the notifications to queue (one per message and
/// channel the subscriber has confirmed and not stopped), the budget left.
/// </summary>
public sealed record SubscriberPlan(
    IReadOnlyList<(AlertState Next, Transition Transition)> Writes,
    IReadOnlyList<Notification> Notifications,
    DailyBudget? Budget,
    IReadOnlyList<(string RuleId, Verdict Verdict)> Verdicts,
    int Capped,
    int Deferred,
    IReadOnlyList<PlannedMessage> Messages);
