using DeRisk.LocalHost.Sinks;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Infrastructure;

/// <summary>A test class's own local host on Azurite, on fake time from <paramref name="start"/>, sending SMS and email to its own Twilio and SendGrid sinks on 127.0.0.1.</summary>
public abstract class LocalHostWithTwilioSink(AzuriteFixture azurite, DateTimeOffset start) : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(start);

    protected TwilioSink Sink { get; private set; } = null!;

    protected SendGridSink Mail { get; private set; } = null!;

    protected LocalHostFactory Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sink = new TwilioSink(LocalHostFactory.AccountSid, LocalHostFactory.AuthToken, Time);
        await Sink.StartAsync("http://127.0.0.1:0");
        Mail = new SendGridSink(LocalHostFactory.SendGridApiKey, Time);
        await Mail.StartAsync("http://127.0.0.1:0");
        Host = new LocalHostFactory(azurite, Time, Sink.BaseAddress, Settings, Mail.BaseAddress);
        await OnStartedAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sink.DisposeAsync();
        await Mail.DisposeAsync();
    }

    /// <summary>Settings this test class adds to the host's.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    protected virtual Task OnStartedAsync() => Task.CompletedTask;
}
