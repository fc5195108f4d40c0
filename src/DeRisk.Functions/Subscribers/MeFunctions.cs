using DeRisk.Functions.Http;
using DeRisk.Hosting;
using DeRisk.SignUp;
using DeRisk.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Functions.Subscribers;

/// <summary>
/// The subscriber's own data, with their bearer token. Anonymous at the gateway: the token is the credential, and the
/// subscriber id always comes from it, never from the route.
/// </summary>
public sealed class MeFunctions(MeService me, ChannelService channels, BearerAuthentication auth, TokenStore tokens, [FromKeyedServices(Clocks.Wall)] TimeProvider time)
{
    [Function("GetMe")]
    public Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.GetAsync(id, cancellationToken), cancellationToken);

    [Function("PatchMe")]
    public Task<IResult> PatchAsync([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "me")] HttpRequest request, CancellationToken cancellationToken) =>
        WithBodyAsync(request, (id, json) => me.PatchAsync(id, json, cancellationToken), cancellationToken);

    [Function("DeleteMe")]
    public Task<IResult> DeleteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me")] HttpRequest request, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.DeleteAsync(id, cancellationToken), cancellationToken);

    [Function("ListRules")]
    public Task<IResult> ListRulesAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/rules")] HttpRequest request, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.ListRulesAsync(id, cancellationToken), cancellationToken);

    [Function("AddRule")]
    public Task<IResult> AddRuleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/rules")] HttpRequest request, CancellationToken cancellationToken) =>
        WithBodyAsync(request, (id, json) => me.AddRuleAsync(id, json, cancellationToken), cancellationToken);

    [Function("GetRule")]
    public Task<IResult> GetRuleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/rules/{ruleId}")] HttpRequest request, string ruleId, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.GetRuleAsync(id, ruleId, cancellationToken), cancellationToken);

    [Function("ReplaceRule")]
    public Task<IResult> ReplaceRuleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/rules/{ruleId}")] HttpRequest request, string ruleId, CancellationToken cancellationToken) =>
        WithBodyAsync(request, (id, json) => me.ReplaceRuleAsync(id, ruleId, json, cancellationToken), cancellationToken);

    [Function("DeleteRule")]
    public Task<IResult> DeleteRuleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/rules/{ruleId}")] HttpRequest request, string ruleId, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.DeleteRuleAsync(id, ruleId, cancellationToken), cancellationToken);

    [Function("TestRule")]
    public Task<IResult> TestRuleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/rules/{ruleId}/test")] HttpRequest request, string ruleId, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.TestRuleAsync(id, ruleId, cancellationToken), cancellationToken);

    [Function("ListAlerts")]
    public Task<IResult> AlertsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/alerts")] HttpRequest request, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => me.AlertsAsync(id, cancellationToken), cancellationToken);

    [Function("AddChannel")]
    public Task<IResult> AddChannelAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/channels")] HttpRequest request, CancellationToken cancellationToken) =>
        WithBodyAsync(request, (id, json) => channels.RequestAsync(id, json, cancellationToken), cancellationToken);

    [Function("ConfirmChannel")]
    public Task<IResult> ConfirmChannelAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/channels/confirm")] HttpRequest request, CancellationToken cancellationToken) =>
        WithBodyAsync(request, (id, json) => channels.ConfirmAsync(id, json, cancellationToken), cancellationToken);

    [Function("RemoveChannel")]
    public Task<IResult> RemoveChannelAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/channels/{channel}")] HttpRequest request, string channel, CancellationToken cancellationToken) =>
        AsCallerAsync(request, id => channels.RemoveAsync(id, channel, cancellationToken), cancellationToken);

    /// <summary>Revokes the token this request carries, or every token of the subscriber with ?all=true.</summary>
    [Function("RevokeToken")]
    public async Task<IResult> RevokeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/tokens/revoke")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await auth.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller.Problem is not null)
        {
            return caller.Problem;
        }

        var all = request.Query["all"].ToString();
        if (all is not ("" or "true" or "false"))
        {
            return JsonBody.Invalid("all", "Must be true or false.");
        }

        if (all == "true")
        {
            await tokens.RevokeAllAsync(caller.SubscriberId!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await tokens.RevokeAsync(caller.SubscriberId!, caller.TokenId!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return TypedResults.NoContent();
    }

    private async Task<IResult> AsCallerAsync<T>(HttpRequest request, Func<string, Task<ApiOutcome<T>>> action, CancellationToken cancellationToken)
    {
        var caller = await auth.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        return caller.Problem ?? ApiResults.From(await action(caller.SubscriberId!).ConfigureAwait(false));
    }

    /// <summary>Authenticates first (a stranger learns nothing, not even what is wrong with the body), then reads the JSON body.</summary>
    private async Task<IResult> WithBodyAsync<T>(HttpRequest request, Func<string, System.Text.Json.JsonElement, Task<ApiOutcome<T>>> action, CancellationToken cancellationToken)
    {
        var caller = await auth.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller.Problem is not null)
        {
            return caller.Problem;
        }

        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        return problem ?? ApiResults.From(await action(caller.SubscriberId!, json).ConfigureAwait(false));
    }
}
