using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DeRisk.Functions.Http;

/// <summary>
/// Refuses, before any routing or work, a request target that is not a plain path: dot segments ("/../", "/./"),
/// percent-encoded dots, slashes or backslashes, backslashes, and control characters. The web server resolves dot
/// segments before routing, so "/api/me/rules/%2e%2e" would otherwise reach "/api/me"; no DeRisk route ever needs them.
/// </summary>
public static class RequestGuard
{
    private static readonly string[] Forbidden = ["%2e", "%2f", "%5c", "%00", "\\"];

    /// <summary>The 400 problem for a request whose target is not a plain path, or null.</summary>
    public static IResult? Check(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var path = string.IsNullOrEmpty(raw) ? context.Request.PathBase.Add(context.Request.Path).ToUriComponent() : raw;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        var plain = !path.Any(char.IsControl)
            && !Forbidden.Any(f => path.Contains(f, StringComparison.OrdinalIgnoreCase))
            && !path.Split('/').Any(segment => segment is "." or "..")
            && !context.Request.Path.Value!.Split('/').Any(segment => segment is "." or "..");
        return plain
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request target", detail: "The path holds dot segments, encoded separators or control characters; no DeRisk route does.");
    }
}
