using DeRisk.Functions.Http;
using DeRisk.Subscribers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.Subscribers;

/// <summary>
/// The subscriber API: sign up with a phone number, add rules, read them back. Function keys guard it until
/// double opt-in and bearer tokens arrive; invalid input is a 400 problem, field by field, and writes nothing.
/// </summary>
public sealed class SubscriberFunctions(SubscriberService subscribers)
{
    [Function("CreateSubscriber")]
    public async Task<IResult> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "subscribers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return await subscribers.CreateAsync(json, cancellationToken).ConfigureAwait(false) switch
        {
            ApiOutcome<SubscriberView>.Created created => TypedResults.Created($"/api/subscribers/{created.Value.Id}", created.Value),
            ApiOutcome<SubscriberView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var other => throw new InvalidOperationException($"Unexpected outcome {other.GetType().Name}."),
        };
    }

    [Function("AddRule")]
    public async Task<IResult> AddRuleAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "subscribers/{id}/rules")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return await subscribers.AddRuleAsync(id, json, cancellationToken).ConfigureAwait(false) switch
        {
            ApiOutcome<RuleView>.Created created => TypedResults.Created($"/api/subscribers/{id}", created.Value),
            ApiOutcome<RuleView>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            ApiOutcome<RuleView>.NotFound => NotFound(),
            var other => throw new InvalidOperationException($"Unexpected outcome {other.GetType().Name}."),
        };
    }

    [Function("GetSubscriber")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "subscribers/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var found = await subscribers.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return found is null ? NotFound() : TypedResults.Ok(found);
    }

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Subscriber not found");
}
