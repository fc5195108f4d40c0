using System.Globalization;
using DeRisk.Subscribers;
using Microsoft.AspNetCore.Http;

namespace DeRisk.Functions.Http;

/// <summary>Maps an <see cref="ApiOutcome{T}"/> to its HTTP answer: every error is an RFC 9457 problem.</summary>
public static class ApiResults
{
    public static IResult From<T>(ApiOutcome<T> outcome) => outcome switch
    {
        ApiOutcome<T>.Ok ok => TypedResults.Ok(ok.Value),
        ApiOutcome<T>.Created created => TypedResults.Created(created.Location, created.Value),
        ApiOutcome<T>.Accepted accepted => TypedResults.Accepted((string?)null, accepted.Value),
        ApiOutcome<T>.Deleted => TypedResults.NoContent(),
        ApiOutcome<T>.NotFound notFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: notFound.What),
        ApiOutcome<T>.Conflict conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: conflict.Detail),
        ApiOutcome<T>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
        ApiOutcome<T>.Limited limited => WithHeader(
            TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: limited.Detail),
            "Retry-After", Seconds(limited.RetryAfter)),
        ApiOutcome<T>.Unavailable unavailable => unavailable.RetryAfter is { } after
            ? WithHeader(TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", detail: unavailable.Detail), "Retry-After", Seconds(after))
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", detail: unavailable.Detail),
        _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
    };

    /// <summary>A result with one extra response header (WWW-Authenticate, Retry-After).</summary>
    public static IResult WithHeader(IResult inner, string name, string value) => new HeaderResult(inner, name, value);

    private static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
