using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DeRisk.Subscribers;

namespace DeRisk.LocalHost.Sinks;

/// <summary>An email the sink accepted, as SendGrid would have queued it.</summary>
/// <summary>An email the sink accepted: its text/plain part and, when sent, its text/html part.</summary>
public sealed record SinkEmail(string MessageId, string To, string From, string Subject, string Text, IReadOnlyDictionary<string, string> CustomArgs, DateTimeOffset CreatedAt, string? Html = null);

/// <summary>A failure to answer the next request with, as SendGrid would: status, message, the field it is about.</summary>
public sealed record SendGridFailure(int Status, string Message, string? Field = null, TimeSpan? RetryAfter = null);

/// <summary>
/// A local stand-in for SendGrid's v3 mail send (POST /v3/mail/send) on 127.0.0.1. It checks a request the way
/// SendGrid does — Bearer API key, personalizations[].to[].email, from.email, subject, content — and answers 202
/// with an X-Message-Id header, or SendGrid's error object {"errors":[{"message","field","help"}]}.
/// </summary>
public sealed class SendGridSink(string apiKey, TimeProvider? time = null) : LocalSink
{
    private readonly ConcurrentQueue<SendGridFailure> _failures = new();
    private readonly ConcurrentQueue<SinkEmail> _accepted = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _requests;

    public event Action<SinkEmail>? Accepted;

    public IReadOnlyCollection<SinkEmail> Emails => _accepted;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Decides, per valid request (to, subject), to fail it instead of accepting it.</summary>
    public Func<string, string, SendGridFailure?>? Chaos { get; set; }

    public void FailNext(SendGridFailure failure) => _failures.Enqueue(failure);

    protected override void Map(WebApplication app) => app.MapPost("/v3/mail/send", (Delegate)HandleAsync);

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + apiKey)
        {
            return Error(new SendGridFailure(401, "The provided authorization grant is invalid, expired, or revoked"), context);
        }

        if (_failures.TryDequeue(out var failure))
        {
            return Error(failure, context);
        }

        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(new SendGridFailure(400, "Bad Request"), context);
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("personalizations", out var personalizations) || personalizations.ValueKind != JsonValueKind.Array || personalizations.GetArrayLength() == 0)
        {
            return Error(new SendGridFailure(400, "The personalizations field is required and must have at least one personalization.", "personalizations"), context);
        }

        var first = personalizations[0];
        if (!first.TryGetProperty("to", out var toList) || toList.ValueKind != JsonValueKind.Array || toList.GetArrayLength() == 0)
        {
            return Error(new SendGridFailure(400, "The to array is required for all personalization objects, and must have at least one email object with a valid email address.", "personalizations.0.to"), context);
        }

        var to = Text(toList[0], "email");
        if (!EmailAddressRules.TryNormalize(to, out _, out _))
        {
            return Error(new SendGridFailure(400, "Does not contain a valid address.", "personalizations.0.to.0.email"), context);
        }

        var from = root.TryGetProperty("from", out var fromElement) ? Text(fromElement, "email") : null;
        if (!EmailAddressRules.TryNormalize(from, out _, out _))
        {
            return Error(new SendGridFailure(400, "The from email does not contain a valid address.", "from.email"), context);
        }

        // A personalization's subject overrides the message's (the SDK's single-email helper puts it there).
        var subject = Text(first, "subject") ?? Text(root, "subject");
        if (string.IsNullOrEmpty(subject))
        {
            return Error(new SendGridFailure(400, "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.", "subject"), context);
        }

        // SendGrid takes content blocks with text/plain first, then text/html.
        var blocks = root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array ? content.EnumerateArray().ToList() : [];
        var text = blocks.Count > 0 ? Text(blocks[0], "value") : null;
        var html = blocks.Where(b => Text(b, "type") == "text/html").Select(b => Text(b, "value")).FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return Error(new SendGridFailure(400, "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.", "content"), context);
        }

        if (Chaos?.Invoke(to!, subject) is { } injected)
        {
            return Error(injected, context);
        }

        // Custom args of the message and of the personalization (which win), as SendGrid merges them.
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scope in new[] { root, first })
        {
            if (scope.TryGetProperty("custom_args", out var custom) && custom.ValueKind == JsonValueKind.Object)
            {
                foreach (var arg in custom.EnumerateObject())
                {
                    args[arg.Name] = arg.Value.ToString();
                }
            }
        }
        var email = new SinkEmail(Guid.NewGuid().ToString("N")[..22], to!, from!, subject, text, args, _time.GetUtcNow(), html);
        _accepted.Enqueue(email);
        Accepted?.Invoke(email);
        context.Response.Headers["X-Message-Id"] = email.MessageId;
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private IResult Error(SendGridFailure failure, HttpContext context)
    {
        if (failure.RetryAfter is { } retryAfter)
        {
            // SendGrid's rate-limit headers: the window's reset as Unix seconds.
            context.Response.Headers["X-RateLimit-Limit"] = "600";
            context.Response.Headers["X-RateLimit-Remaining"] = "0";
            context.Response.Headers["X-RateLimit-Reset"] = (_time.GetUtcNow() + retryAfter).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["errors"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["message"] = failure.Message,
                    ["field"] = failure.Field,
                    ["help"] = failure.Field is null ? null : "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message." + failure.Field,
                },
            },
        }, statusCode: failure.Status);
    }
}
