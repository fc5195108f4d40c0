using System.Globalization;
using System.Text.Json;
using DeRisk.Contracts;
using DeRisk.Delivery;
using DeRisk.Market;
using DeRisk.Rules;
using DeRisk.SignUp;
using DeRisk.Storage;
using DeRisk.Tick;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Subscribers;

/// <summary>
/// A subscriber's own data, reached only through their bearer token: the subscriber id always comes from the token,
/// never from the request, so one subscriber asking for another's rule finds nothing (404). Invalid input writes nothing.
/// </summary>
public sealed class MeService(
    SubscriberStore store,
    AlertStateStore states,
    DeliveryStore deliveries,
    SubscriberErasure erasure,
    MarketStore market,
    MarketViewLoader views,
    IOptions<MarketOptions> marketOptions,
    IOptions<AccessOptions> access,
    IOptions<TickOptions> tick,
    IOptions<AdviceOptions> advice,
    TimeProvider time,
    ILogger<MeService> logger)
{
    public async Task<ApiOutcome<MeView>> GetAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return found is null ? Gone<MeView>() : new ApiOutcome<MeView>.Ok(ToView(found.Subscriber, found.Rules.Count));
    }

    /// <summary>JSON merge patch (RFC 7396) of the delivery preferences: absent fields stay, null clears quiet hours.</summary>
    public async Task<ApiOutcome<MeView>> PatchAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        var read = ContractReader.Read<PreferencesRequest>(body);
        if (!read.IsValid)
        {
            return new ApiOutcome<MeView>.Invalid(read.Errors);
        }

        var found = await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return Gone<MeView>();
        }

        // A merge patch: absent fields keep their value, an explicit null clears (quiet hours) or resets (the others).
        var patch = read.Value!;
        var current = PreferencesRequest.Of(found.Subscriber.Delivery);
        var merged = new PreferencesRequest(
            body.TryGetProperty("timeZone", out _) ? patch.TimeZone : current.TimeZone,
            body.TryGetProperty("quietHours", out _) ? patch.QuietHours : current.QuietHours,
            body.TryGetProperty("dailyCap", out _) ? patch.DailyCap : current.DailyCap);
        var errors = new FieldErrors();
        var preferences = merged.Validate(errors);
        if (errors.Count > 0)
        {
            return new ApiOutcome<MeView>.Invalid(errors.ToDictionary());
        }

        await store.UpdatePreferencesAsync(subscriberId, preferences, cancellationToken).ConfigureAwait(false);
        return new ApiOutcome<MeView>.Ok(ToView(found.Subscriber with { Preferences = preferences }, found.Rules.Count));
    }

    /// <summary>Removes everything DeRisk holds about the subscriber: profile, rules, alert states, deliveries, addresses, tokens.</summary>
    public async Task<ApiOutcome<MeView>> DeleteAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var found = await store.GetProfileAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return Gone<MeView>();
        }

        await erasure.EraseAsync(found, "asked by the subscriber", cancellationToken).ConfigureAwait(false);
        return new ApiOutcome<MeView>.Deleted();
    }

    public async Task<ApiOutcome<IReadOnlyList<RuleView>>> ListRulesAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return found is null
            ? Gone<IReadOnlyList<RuleView>>()
            : new ApiOutcome<IReadOnlyList<RuleView>>.Ok(found.Rules.Select(r => new RuleView(r.Id, r.Spec, r.CreatedAt)).ToList());
    }

    public async Task<ApiOutcome<RuleView>> GetRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        var rule = await FindRuleAsync(subscriberId, ruleId, cancellationToken).ConfigureAwait(false);
        return rule is null ? RuleNotFound<RuleView>() : new ApiOutcome<RuleView>.Ok(new RuleView(rule.Id, rule.Spec, rule.CreatedAt));
    }

    public async Task<ApiOutcome<RuleView>> AddRuleAsync(string subscriberId, JsonElement body, CancellationToken cancellationToken)
    {
        var parsed = Parser().Parse(body);
        if (!parsed.IsValid)
        {
            return new ApiOutcome<RuleView>.Invalid(parsed.Errors);
        }

        var limit = access.Value.MaxRulesPerSubscriber;
        var rule = new StoredRule(RowKeys.NewId(time), parsed.Rule!, time.GetUtcNow());
        switch (await store.TryAddRuleAsync(subscriberId, rule, cancellationToken, limit).ConfigureAwait(false))
        {
            case RuleWrite.NoSubscriber:
                return Gone<RuleView>();
            case RuleWrite.TooMany:
                return ApiOutcome.Error<RuleView>("$", string.Create(CultureInfo.InvariantCulture, $"A subscriber may hold at most {limit} rules; delete one first."));
            case RuleWrite.TooLarge:
                return TooLarge<RuleView>();
        }

        SubscriberLog.RuleAdded(logger, subscriberId, rule.Id);
        return new ApiOutcome<RuleView>.Created(new RuleView(rule.Id, rule.Spec, rule.CreatedAt), "/api/me/rules/" + rule.Id);
    }

    /// <summary>Replaces a rule's definition. Its alert state restarts: the old episode was about the old condition.</summary>
    public async Task<ApiOutcome<RuleView>> ReplaceRuleAsync(string subscriberId, string ruleId, JsonElement body, CancellationToken cancellationToken)
    {
        var existing = await FindRuleAsync(subscriberId, ruleId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return RuleNotFound<RuleView>();
        }

        var parsed = Parser().Parse(body);
        if (!parsed.IsValid)
        {
            return new ApiOutcome<RuleView>.Invalid(parsed.Errors);
        }

        switch (await store.TryReplaceRuleAsync(subscriberId, ruleId, parsed.Rule!, cancellationToken).ConfigureAwait(false))
        {
            case RuleWrite.TooLarge:
                return TooLarge<RuleView>();
            case not RuleWrite.Done:
                return RuleNotFound<RuleView>();
        }

        await states.RestartAsync(store.ShardOf(subscriberId), subscriberId, ruleId, cancellationToken).ConfigureAwait(false);
        return new ApiOutcome<RuleView>.Ok(new RuleView(ruleId, parsed.Rule!, existing.CreatedAt));
    }

    public async Task<ApiOutcome<RuleView>> DeleteRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        if (!RowKeys.IsId(ruleId) || await store.DeleteRuleAsync(subscriberId, ruleId, cancellationToken).ConfigureAwait(false) != RuleWrite.Done)
        {
            return RuleNotFound<RuleView>();
        }

        await states.DeleteAsync(store.ShardOf(subscriberId), subscriberId, ruleId, cancellationToken).ConfigureAwait(false);
        return new ApiOutcome<RuleView>.Deleted();
    }

    /// <summary>Each rule's alert state and the subscriber's notifications, newest first (at most 100).</summary>
    public async Task<ApiOutcome<AlertsView>> AlertsAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var alerts = await states.ReadSubscriberAsync(store.ShardOf(subscriberId), subscriberId, cancellationToken).ConfigureAwait(false);
        var records = await deliveries.ListAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return new ApiOutcome<AlertsView>.Ok(new AlertsView(
            alerts.States.Values.OrderBy(s => s.RuleId, StringComparer.Ordinal)
                .Select(s => new AlertStateView(s.RuleId, Camel(s.Status), s.Episode, s.ChangedAt, s.Observed, s.LastNotifiedAt,
                    s.Step, s.Held == HoldReason.None ? null : Camel(s.Held), s.HeldSince, s.HeldLine)).ToList(),
            records.OrderByDescending(r => r.UpdatedAt).Take(100)
                .Select(r => new DeliveryView(r.NotificationId, r.Channel, r.Status, r.Attempts, r.ProviderStatus, r.LastError, r.SentAt, r.UpdatedAt)).ToList()));
    }

    /// <summary>
    /// Runs the tick's own planner for this rule on the latest snapshot, as the tick saw it, from the rule's current
    /// state and the subscriber's budget and preferences: what it would do and send. Sends nothing, writes nothing.
    /// </summary>
    public async Task<ApiOutcome<RuleTestView>> TestRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        var found = RowKeys.IsId(ruleId) ? await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false) : null;
        if (found?.Rules.FirstOrDefault(r => r.Id == ruleId) is not { } rule)
        {
            return RuleNotFound<RuleTestView>();
        }

        var alerts = await states.ReadSubscriberAsync(store.ShardOf(subscriberId), subscriberId, cancellationToken).ConfigureAwait(false);
        var current = alerts.StateOf(subscriberId, ruleId);
        var snapshot = await market.LatestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return new ApiOutcome<RuleTestView>.Ok(new RuleTestView(ruleId, null, "noData", null, null, "No market snapshot has been taken yet.", Camel(current.Status), "nothing", null));
        }

        var view = await views.LoadAsync(snapshot, cancellationToken).ConfigureAwait(false);

        // Every rule of the subscriber, from their states, as the tick plans them: the rule's news may ride in one
        // message with another rule's, or wait behind held news; the answer is this rule's part of that plan.
        var plan = TickPlanner.Plan(found.Subscriber, found.Rules, id => alerts.StateOf(subscriberId, id), alerts.BudgetOf(subscriberId), view,
            advice.Value.Wording(tick.Value.ConsoleUri), tick.Value.NextTickAfter(view.Now));
        var verdict = plan.Verdicts.First(v => v.RuleId == ruleId).Verdict;
        var write = plan.Writes.FirstOrDefault(w => w.Next.RuleId == ruleId);
        var wouldDo = write.Transition switch
        {
            Transition.Fire => "fire",
            Transition.Repeat => "repeat",
            Transition.Escalate => "escalate",
            Transition.Pend => "startWaiting",
            Transition.Cancel => "stopWaiting",
            Transition.Resolve => "resolve",
            _ => "nothing",
        };
        var carrier = plan.Messages.FirstOrDefault(m => m.Items.Any(i => i.RuleId == ruleId));
        var message = carrier is null ? null
            : plan.Notifications.FirstOrDefault(n => n.Id == carrier.Id) ?? plan.Notifications.FirstOrDefault(n => n.Id == Notification.IdForChannel(carrier.Id, Notification.EmailChannel));
        var held = write.Next?.Held ?? HoldReason.None;
        return new ApiOutcome<RuleTestView>.Ok(new RuleTestView(
            ruleId,
            snapshot.TakenAt,
            Camel(verdict.Kind),
            verdict.Kind == VerdictKind.NoData ? null : verdict.Observed,
            verdict.Kind == VerdictKind.NoData ? null : verdict.Threshold,
            verdict.NoDataReason,
            Camel(current.Status),
            wouldDo,
            message?.Text,
            message?.DeliverAt,
            held == HoldReason.DailyCap,
            time.GetUtcNow() - snapshot.TakenAt > marketOptions.Value.PriceStalenessLimit,
            held == HoldReason.None ? null : Camel(held)));
    }

    private async Task<StoredRule?> FindRuleAsync(string subscriberId, string ruleId, CancellationToken cancellationToken)
    {
        if (!RowKeys.IsId(ruleId))
        {
            return null;
        }

        var found = await store.GetAsync(subscriberId, cancellationToken).ConfigureAwait(false);
        return found?.Rules.FirstOrDefault(r => r.Id == ruleId);
    }

    private static string Camel<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    private static ApiOutcome<T>.NotFound Gone<T>() => new("Subscriber not found");

    private static ApiOutcome<T>.NotFound RuleNotFound<T>() => new("Rule not found");

    private static ApiOutcome<T>.Invalid TooLarge<T>() =>
        ApiOutcome.Error<T>("$", string.Create(CultureInfo.InvariantCulture, $"Your rules together would exceed {SubscriberStore.MaxRulesJsonLength} characters of JSON; simplify or delete one."));

    /// <summary>
    /// The profile as its subscriber sees it. An address not yet confirmed is shown masked: a sign-up may name an
    /// address someone else holds, and what a new subscriber sees must not differ with who holds it.
    /// </summary>
    private RuleParser Parser() => new(marketOptions.Value.IsTracked, marketOptions.Value.TrackedAssets.Select(a => a.Symbol).ToList());

    internal static MeView ToView(Subscriber s, int rules) =>
        new(s.Id,
            s.Phone is { } phone && s.SmsState == ChannelState.Pending ? Redact.Phone(phone) : s.Phone, s.SmsState,
            s.Email is { } email && s.EmailState == ChannelState.Pending ? Redact.Email(email) : s.Email, s.EmailState, s.CreatedAt, s.Delivery.TimeZone,
            s.Delivery is { QuietStart: { } start, QuietEnd: { } end } ? new QuietHoursView(start.ToString("HH:mm", CultureInfo.InvariantCulture), end.ToString("HH:mm", CultureInfo.InvariantCulture)) : null,
            s.Delivery.DailyCap, rules);

}
