using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeRisk.Tests.Infrastructure;

/// <summary>A real HTTP server on 127.0.0.1 (random port) that answers with whatever the test scripts, in order.</summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Queue<Func<HttpContext, Task>> _responses = new();
    private readonly List<string> _requests = [];

    private FakeUpstream(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public void Enqueue(Func<HttpContext, Task> response)
    {
        lock (_responses)
        {
            _responses.Enqueue(response);
        }
    }

    public void EnqueueJson(string json, int status = 200, string? retryAfter = null) => Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    });

    /// <summary>Never answers: the client's timeout must end the call.</summary>
    public void EnqueueHang() => Enqueue(context => Task.Delay(Timeout.Infinite, context.RequestAborted));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        lock (_requests)
        {
            _requests.Add(context.Request.Path + context.Request.QueryString + " " + context.Request.Headers["x-cg-demo-api-key"]
                + (context.Request.Headers.TryGetValue("x-cg-pro-api-key", out var pro) ? " pro:" + pro : ""));
        }

        Func<HttpContext, Task>? next;
        lock (_responses)
        {
            _responses.TryDequeue(out next);
        }

        try
        {
            await (next ?? (c => { c.Response.StatusCode = 500; return Task.CompletedTask; }))(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
