using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DeRisk.Functions.Http;

/// <summary>
/// The worker's first step for every HTTP function: the request target check (<see cref="RequestGuard"/>), then
/// ASP.NET Core's forwarded-headers handling, so the connection's remote address is the client the trusted front
/// end saw. The local host does the same with UseForwardedHeaders and the same options.
/// </summary>
public sealed class RequestGuardMiddleware(IOptions<ForwardedHeadersOptions> forwarded, ILoggerFactory loggers) : IFunctionsWorkerMiddleware
{
    private readonly ForwardedHeadersMiddleware forwarders = new(_ => Task.CompletedTask, loggers, forwarded);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            if (RequestGuard.Check(http) is { } problem)
            {
                await problem.ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            forwarders.ApplyForwarders(http);
        }

        await next(context).ConfigureAwait(false);
    }
}
