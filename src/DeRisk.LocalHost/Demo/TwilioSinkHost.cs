using System.Globalization;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Demo;

/// <summary>Runs the Twilio stand-in beside the local host and prints each SMS as it would reach the phone.</summary>
internal sealed class TwilioSinkHost(IOptions<TwilioSinkOptions> sink, IOptions<TwilioOptions> twilio, TimeProvider time) : IHostedService, IAsyncDisposable
{
    private TwilioSink? _sink;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _sink = new TwilioSink(twilio.Value.AccountSid, twilio.Value.AuthToken, time);
        _sink.Accepted += Print;
        await _sink.StartAsync(sink.Value.Url, cancellationToken);
        Console.WriteLine($"Local Twilio sink listening on {_sink.BaseAddress}");
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

    private void Print(SinkMessage message)
    {
        var at = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Console.WriteLine($"\u001b[1;32m[SMS {at}Z to {Redact.Phone(message.To)}]\u001b[0m {message.Body}");
    }
}
