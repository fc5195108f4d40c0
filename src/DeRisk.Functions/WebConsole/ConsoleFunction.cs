using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.Functions.WebConsole;

/// <summary>
/// The subscriber console at <c>/api/console/</c>: static files served by the app itself (one deployment, works
/// offline), from the fixed set in <see cref="ConsoleAssets"/>, with a strict Content-Security-Policy. Anonymous: the
/// page holds no data; it calls the API with the subscriber's bearer token.
/// </summary>
public sealed class ConsoleFunction
{
    /// <summary>Scripts, styles, API calls and images from this origin only; no inline script or style; never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    [Function("Console")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request, string? path)
    {
        // "/api/console" has no trailing slash: relative links (app.js, ../me) would resolve one level too high.
        if (string.IsNullOrEmpty(path) && request.Path.Value is { } requested && !requested.EndsWith('/'))
        {
            return TypedResults.Redirect(requested[(requested.LastIndexOf('/') + 1)..] + "/");
        }

        return ConsoleAssets.Find(path) is { } file
            ? new ConsoleFileResult(file)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The console has no such file.");
    }

    private sealed class ConsoleFileResult(ConsoleFile file) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // Revalidate every time: a deployment changes the files under the same names.
            headers.CacheControl = "no-cache";
            return TypedResults.Bytes(file.Content, file.ContentType).ExecuteAsync(httpContext);
        }
    }
}
