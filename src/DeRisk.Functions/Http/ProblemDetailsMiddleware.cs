using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace DeRisk.Functions.Http;

/// <summary>
/// Turns an unexpected failure of an HTTP function into a 500 problem that leaks nothing internal. The local host
/// answers with the same <see cref="Unexpected"/> problem, so every test sees the 500 Azure would send.
/// </summary>
public sealed partial class ProblemDetailsMiddleware(ILogger<ProblemDetailsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <summary>The one answer to an unexpected failure: no exception text, type or stack.</summary>
    public static IResult Unexpected { get; } = Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Unexpected error", detail: "The request failed; it has been logged.");

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            LogFailure(logger, context.FunctionDefinition.Name, ex);
            await Unexpected.ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Error, Message = "Function {Function} failed")]
    private static partial void LogFailure(ILogger logger, string function, Exception exception);
}
