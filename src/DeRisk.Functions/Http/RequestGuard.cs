using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DeRisk.Functions.Http;

/// <summary>
/// Refuses, before any routing or work, a request target that is not a plain path: dot segments ("/../", "/./"),
/// percent-encoded dots, slashes or backslashes, backslashes, and control characters. The web server resolves dot
/// segments before routing, so "/api/me/rules/%2e%2e" would otherwise reach "/api/me"; no DeRisk route ever needs them.
/// Behind Azure's front end the worker may see a path the Functions host has already resolved, so the original URL the
/// front end passes on (X-Original-URL, X-WAWS-Unencoded-URL) is checked too; a client that sets them itself only
/// gets its own request refused.
/// </summary>
public static class RequestGuard
{
    private static readonly string[] Forbidden = ["%2e", "%2f", "%5c", "%00", "\\"];
    private static readonly string[] OriginalUrlHeaders = ["X-Original-URL", "X-WAWS-Unencoded-URL"];

    /// <summary>The 400 problem for a request whose target is not a plain path, or null.</summary>
    public static IResult? Check(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targets = new List<string> { string.IsNullOrEmpty(raw) ? context.Request.PathBase.Add(context.Request.Path).ToUriComponent() : raw, context.Request.Path.Value ?? "" };
        targets.AddRange(OriginalUrlHeaders.SelectMany(h => context.Request.Headers[h]).OfType<string>());
        return targets.All(IsPlain)
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request target", detail: "The path holds dot segments, encoded separators or control characters; no DeRisk route does.");
    }

    private static bool IsPlain(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? target[..query] : target;
        return !path.Any(char.IsControl)
            && !Forbidden.Any(f => path.Contains(f, StringComparison.OrdinalIgnoreCase))
            && !path.Split('/').Any(segment => segment is "." or "..");
    }
}
