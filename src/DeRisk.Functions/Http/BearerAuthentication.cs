using DeRisk.SignUp;
using Microsoft.AspNetCore.Http;

namespace DeRisk.Functions.Http;

/// <summary>The subscriber a request acts for, or the 401 answer (RFC 6750: WWW-Authenticate with the Bearer scheme).</summary>
public readonly record struct Caller(string? SubscriberId, string? TokenId, IResult? Problem);

/// <summary>
/// Bearer-token authentication for the /api/me routes. The functions are anonymous at the Functions gateway; the
/// token is the credential. A missing, malformed, unknown or revoked token is a 401 problem with WWW-Authenticate.
/// </summary>
public sealed class BearerAuthentication(TokenStore tokens)
{
    public const string Realm = "derisk";

    public async Task<Caller> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return new Caller(null, null, Unauthorized($"Bearer realm=\"{Realm}\"", "Send the token from /api/subscribers/confirm as 'Authorization: Bearer <token>'."));
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return new Caller(null, null, Unauthorized($"Bearer realm=\"{Realm}\", error=\"invalid_request\"", "Only the Bearer scheme is accepted."));
        }

        var check = await tokens.CheckAsync(header["Bearer ".Length..].Trim(), cancellationToken).ConfigureAwait(false);
        return check switch
        {
            TokenCheck.Valid valid => new Caller(valid.SubscriberId, valid.TokenId, null),
            TokenCheck.Invalid invalid => new Caller(null, null, Unauthorized($"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{invalid.Reason}\"", invalid.Reason)),
            _ => throw new InvalidOperationException("Unhandled token check."),
        };
    }

    private static IResult Unauthorized(string challenge, string detail) =>
        ApiResults.WithHeader(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail), "WWW-Authenticate", challenge);
}

/// <summary>
/// The client's address for rate limits: the connection's remote address after ASP.NET Core's forwarded-headers
/// handling (<see cref="HttpServices"/>), which believes X-Forwarded-For only from the trusted front end and only as
/// many entries as it has proxies (Access:TrustedProxyCount), counted from the right: the entries a client writes
/// itself on the left are never read. An IPv6 client counts as its /64, which one subscriber line usually holds whole.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpRequest request)
    {
        var address = request.HttpContext.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
