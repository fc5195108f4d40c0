using System.Globalization;
using DeRisk.Delivery;
using DeRisk.LocalHost.Sinks;
using DeRisk.Subscribers;
using Microsoft.Extensions.Options;

namespace DeRisk.LocalHost.Demo;

/// <summary>
/// Runs the SendGrid stand-in beside the local host and prints each email as it would reach the inbox: its subject,
/// and for a confirmation code the first line of its text, which holds the code (signing up by email works in the demo).
/// </summary>
internal sealed class SendGridSinkHost(IOptions<SendGridSinkOptions> sink, IOptions<SendGridOptions> sendGrid, TimeProvider time) : SinkHost<SendGridSink>
{
    protected override string Name => "SendGrid";

    protected override string Url => sink.Value.Url;

    protected override SendGridSink Create()
    {
        var created = new SendGridSink(sendGrid.Value.ApiKey, time);
        created.Accepted += email =>
        {
            var at = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var line = email.Text.StartsWith("DeRisk code:", StringComparison.Ordinal) ? email.Text.Split('\n')[0] : email.Subject;
            Console.WriteLine($"\u001b[1;36m[EMAIL {at}Z to {Redact.Email(email.To)}]\u001b[0m {line}");
        };
        return created;
    }
}
