using System.Globalization;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Demo;

/// <summary>Runs the Twilio stand-in beside the local host and prints each SMS as it would reach the phone.</summary>
internal sealed class TwilioSinkHost(IOptions<TwilioSinkOptions> sink, IOptions<TwilioOptions> twilio, TimeProvider time) : SinkHost<TwilioSink>
{
    protected override string Name => "Twilio";

    protected override string Url => sink.Value.Url;

    protected override TwilioSink Create()
    {
        var created = new TwilioSink(twilio.Value.AccountSid, twilio.Value.AuthToken, time);
        created.Accepted += message =>
        {
            var at = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            Console.WriteLine($"\u001b[1;32m[SMS {at}Z to {Redact.Phone(message.To)}]\u001b[0m {message.Body}");
        };
        return created;
    }
}
