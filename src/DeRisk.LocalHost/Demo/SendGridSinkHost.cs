using System.Globalization;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Demo;

/// <summary>Runs the SendGrid stand-in beside the local host and prints each email as it would reach the inbox.</summary>
internal sealed class SendGridSinkHost(IOptions<SendGridSinkOptions> sink, IOptions<SendGridOptions> sendGrid, TimeProvider time) : IHostedService, IAsyncDisposable
{
    private SendGridSink? _sink;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _sink = new SendGridSink(sendGrid.Value.ApiKey, time);
        _sink.Accepted += Print;
        await _sink.StartAsync(sink.Value.Url, cancellationToken);
        Console.WriteLine($"Local SendGrid sink listening on {_sink.BaseAddress}");
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_sink is not null)
        {
            await _sink.DisposeAsync();
            _sink = null;
        }
    }

    private void Print(SinkEmail email)
    {
        var at = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Console.WriteLine($"\u001b[1;36m[EMAIL {at}Z to {Redact.Email(email.To)}]\u001b[0m {email.Subject}");
    }
}
