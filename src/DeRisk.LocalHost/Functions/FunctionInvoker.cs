using System.Reflection;

namespace DeRisk.LocalHost.Functions;

/// <summary>Creates a function class per invocation (as the worker does), binds its parameters and awaits it.</summary>
internal static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(IServiceProvider services, Type type, MethodInfo method, Func<ParameterInfo, object?> bind)
    {
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, type);
        try
        {
            var returned = method.Invoke(instance, method.GetParameters().Select(bind).ToArray());
            if (returned is not Task task)
            {
                return returned;
            }

            await task.ConfigureAwait(false);
            return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }

    public static object? BindHttp(ParameterInfo parameter, HttpContext context) =>
        parameter.ParameterType == typeof(HttpRequest) ? context.Request
        : parameter.ParameterType == typeof(CancellationToken) ? context.RequestAborted
        : context.GetRouteValue(parameter.Name!)?.ToString();
}

public static class FunctionEndpoints
{
    /// <summary>Maps every HTTP function at /{routePrefix}/{route} with its declared methods.</summary>
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, string routePrefix = "api")
    {
        foreach (var function in catalog.Http)
        {
            endpoints.MapMethods($"/{routePrefix}/{function.Route}", function.Methods, async context =>
            {
                if (!FunctionKeys.Allows(function, context))
                {
                    await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "This function needs a function key (x-functions-key header or ?code=).")
                        .ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                var result = await FunctionInvoker.InvokeAsync(context.RequestServices, function.Type, function.Method,
                    p => FunctionInvoker.BindHttp(p, context)).ConfigureAwait(false);
                switch (result)
                {
                    case IResult typed:
                        await typed.ExecuteAsync(context).ConfigureAwait(false);
                        break;
                    case null:
                        context.Response.StatusCode = StatusCodes.Status204NoContent;
                        break;
                    default:
                        throw new NotSupportedException($"Function {function.Name} returned {result.GetType().Name}; return IResult.");
                }
            }).WithName(function.Name);
        }

        return endpoints;
    }
}

/// <summary>
/// The Functions host's key check for AuthorizationLevel.Function and Admin: a request must carry the key in the
/// x-functions-key header or the code query parameter. Like Core Tools, the local host checks nothing unless a key
/// is configured (LocalHost:FunctionKey); tests configure one.
/// </summary>
internal static class FunctionKeys
{
    public static bool Allows(HttpFunction function, HttpContext context)
    {
        if (function.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var key = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<LocalHostOptions>>().Value.FunctionKey;
        if (string.IsNullOrEmpty(key))
        {
            return true;
        }

        var given = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault() ?? "";
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(key));
    }
}
