using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DeRisk.Subscribers;

namespace DeRisk.LocalHost.Sinks;

/// <summary>A message the sink accepted, as Twilio would have queued it.</summary>
public sealed record SinkMessage(string Sid, string To, string? From, string? MessagingServiceSid, string Body, string? StatusCallback, DateTimeOffset CreatedAt);

/// <summary>A failure to answer the next request with, as Twilio would.</summary>
public sealed record SinkFailure(int Status, int Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>
/// A local stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json) on 127.0.0.1.
/// It checks a request the way Twilio does — Basic auth with the account SID and auth token, To in E.164, From or
/// MessagingServiceSid, a Body — and answers with Twilio's JSON: 201 with the message resource, or Twilio's error
/// object (code, message, more_info, status). The run command prints what it accepts; tests count it.
/// </summary>
public sealed class TwilioSink : LocalSink
{
    private readonly string _accountSid;
    private readonly string _authToken;
    private readonly ConcurrentQueue<SinkFailure> _failures = new();
    private readonly ConcurrentQueue<SinkFailure> _listFailures = new();
    private int _dropAfterAccepting;
    private readonly ConcurrentQueue<SinkMessage> _accepted = new();
    private readonly TimeProvider _time;
    private int _requests;

    public TwilioSink(string accountSid, string authToken, TimeProvider? time = null)
    {
        _accountSid = accountSid;
        _authToken = authToken;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised for every accepted message.</summary>
    public event Action<SinkMessage>? Accepted;

    public IReadOnlyCollection<SinkMessage> Messages => _accepted;

    /// <summary>Every request that reached the Messages endpoint, accepted or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Decides, per valid request (To, Body), to fail it instead of accepting it: for chaos runs.</summary>
    public Func<string, string, SinkFailure?>? Chaos { get; set; }

    /// <summary>Answers the next request with this failure instead of accepting it (status 0: drops the connection, taking nothing).</summary>
    public void FailNext(SinkFailure failure) => _failures.Enqueue(failure);

    /// <summary>Decides, per accepted message (To, Body), to drop the connection instead of answering: for chaos runs.</summary>
    public Func<string, string, bool>? DropAfterAccepting { get; set; }

    /// <summary>Decides, per message-list request, to fail it (status 0: drop the connection): for chaos runs.</summary>
    public Func<SinkFailure?>? ListChaos { get; set; }

    /// <summary>Answers the next message-list request with this failure (status 0: drops the connection instead).</summary>
    public void FailNextList(SinkFailure failure) => _listFailures.Enqueue(failure);

    /// <summary>Accepts the next valid message and then drops the connection before answering: the sender cannot know it was taken.</summary>
    public void AcceptNextThenDrop() => Interlocked.Increment(ref _dropAfterAccepting);

    protected override void Map(WebApplication app)
    {
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", (Delegate)HandleAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", (Delegate)List);
    }

    private async Task<IResult> HandleAsync(HttpContext context, string accountSid)
    {
        Interlocked.Increment(ref _requests);
        if (!Authenticated(context.Request, accountSid))
        {
            return Error(new SinkFailure(401, 20003, "Authenticate"), context);
        }

        if (_failures.TryDequeue(out var failure))
        {
            if (failure.Status == 0)
            {
                // A connection that drops before anything was taken.
                context.Abort();
                return Results.Empty;
            }

            return Error(failure, context);
        }

        if (!context.Request.HasFormContentType)
        {
            return Error(new SinkFailure(400, 20001, "Content-Type must be application/x-www-form-urlencoded"), context);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string? Field(string name) => form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value.ToString() : null;

        var to = Field("To");
        var from = Field("From");
        var service = Field("MessagingServiceSid");
        var body = Field("Body");
        if (to is null)
        {
            return Error(new SinkFailure(400, 21604, "A 'To' phone number is required."), context);
        }

        if (!PhoneNumberRules.TryNormalize(to, out var e164, out _) || e164 != to)
        {
            return Error(new SinkFailure(400, 21211, $"Invalid 'To' Phone Number: {Redact.Phone(to)}"), context);
        }

        if (from is null && service is null)
        {
            return Error(new SinkFailure(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."), context);
        }

        if (body is null && Field("MediaUrl") is null)
        {
            return Error(new SinkFailure(400, 21602, "Message body is required."), context);
        }

        if (body is { Length: > 1600 })
        {
            return Error(new SinkFailure(400, 21617, "The concatenated message body exceeds the 1600 character limit."), context);
        }

        if (Chaos?.Invoke(to, body ?? "") is { } injected)
        {
            return Error(injected, context);
        }

        var sid = "SM" + Guid.NewGuid().ToString("N");
        var message = new SinkMessage(sid, to, from, service, body ?? "", Field("StatusCallback"), _time.GetUtcNow());
        _accepted.Enqueue(message);
        Accepted?.Invoke(message);
        if (TakeOne(ref _dropAfterAccepting) || DropAfterAccepting?.Invoke(to, body ?? "") == true)
        {
            context.Abort();
            return Results.Empty;
        }

        return Results.Json(Resource(message), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Takes one from a counter of pending requests, if any is left.</summary>
    private static bool TakeOne(ref int counter)
    {
        var pending = Volatile.Read(ref counter);
        while (pending > 0)
        {
            var seen = Interlocked.CompareExchange(ref counter, pending - 1, pending);
            if (seen == pending)
            {
                return true;
            }

            pending = seen;
        }

        return false;
    }

    /// <summary>Twilio's message list (newest first), filtered by To, one page.</summary>
    private IResult List(HttpContext context, string accountSid)
    {
        if (!Authenticated(context.Request, accountSid))
        {
            return Error(new SinkFailure(401, 20003, "Authenticate"), context);
        }

        if (_listFailures.TryDequeue(out var failure) || ListChaos?.Invoke() is { } injected && (failure = injected) is not null)
        {
            if (failure.Status == 0)
            {
                context.Abort();
                return Results.Empty;
            }

            return Error(failure, context);
        }

        var to = context.Request.Query["To"].ToString();
        var size = int.TryParse(context.Request.Query["PageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var requested) ? Math.Clamp(requested, 1, 1000) : 50;
        var page = _accepted.Where(m => to.Length == 0 || m.To == to).OrderByDescending(m => m.CreatedAt).Take(size).Select(Resource).ToList();
        var uri = $"/2010-04-01/Accounts/{_accountSid}/Messages.json?PageSize={size}&Page=0";
        return Results.Json(new Dictionary<string, object?>
        {
            ["messages"] = page,
            ["end"] = Math.Max(0, page.Count - 1),
            ["first_page_uri"] = uri,
            ["next_page_uri"] = null,
            ["page"] = 0,
            ["page_size"] = size,
            ["previous_page_uri"] = null,
            ["start"] = 0,
            ["uri"] = uri,
        });
    }

    private bool Authenticated(HttpRequest request, string accountSid)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var split = decoded.IndexOf(':', StringComparison.Ordinal);
        return split > 0
            && decoded[..split] == _accountSid
            && decoded[(split + 1)..] == _authToken
            && accountSid == _accountSid;
    }

    private static IResult Error(SinkFailure failure, HttpContext context)
    {
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["code"] = failure.Code,
            ["message"] = failure.Message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{failure.Code}",
            ["status"] = failure.Status,
        }, statusCode: failure.Status);
    }

    private Dictionary<string, object?> Resource(SinkMessage message)
    {
        var now = message.CreatedAt.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var uri = $"/2010-04-01/Accounts/{_accountSid}/Messages/{message.Sid}.json";
        return new Dictionary<string, object?>
        {
            ["account_sid"] = _accountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = message.Body,
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = message.From,
            ["messaging_service_sid"] = message.MessagingServiceSid,
            ["num_media"] = "0",
            ["num_segments"] = "1",
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = message.Sid,
            ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = uri.Replace(".json", "/Media.json", StringComparison.Ordinal) },
            ["to"] = message.To,
            ["uri"] = uri,
        };
    }
}
