using DeRisk.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Infrastructure;

/// <summary>
/// The local host — the Functions app's own function classes — on a test server, with its own tables and queue on
/// Azurite, fake time (market time, and the wall clock too unless a test gives its own), timers off (tests drive ticks and drains), and Twilio and SendGrid pointed at sinks on 127.0.0.1.
/// </summary>
public sealed class LocalHostFactory(AzuriteFixture azurite, FakeTimeProvider time, Uri twilioBaseUrl, IReadOnlyDictionary<string, string?>? settings = null, Uri? sendGridBaseUrl = null, FakeTimeProvider? wallClock = null)
    : WebApplicationFactory<LocalHostEntryPoint>
{
    public const string AccountSid = "ACtestaccount";
    public const string AuthToken = "test-auth-token";
    public const string SendGridApiKey = "SG.test-key";
    public const string FunctionKey = "test-function-key";

    public string Prefix { get; } = AzuriteFixture.NewPrefix();

    public FakeTimeProvider Time => time;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>
        {
            ["LocalSettings"] = "none",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = Prefix,
            ["Storage:ShardCount"] = "4",
            ["LocalHost:RunTimers"] = "false",
            ["Market:BackfillOnStart"] = "false",
            ["MarketPollSchedule"] = "0 */5 * * * *",
            ["DispatchSchedule"] = "*/10 * * * * *",
            ["HousekeepingSchedule"] = "0 15 3 * * *",
            ["Twilio:BaseUrl"] = twilioBaseUrl.ToString(),
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:FromNumber"] = "+15005550006",
            ["Twilio:Timeout"] = "00:00:05",
            ["SendGrid:BaseUrl"] = (sendGridBaseUrl ?? new Uri("http://127.0.0.1:9/")).ToString(),
            ["SendGrid:ApiKey"] = SendGridApiKey,
            ["SendGrid:FromEmail"] = "alerts@example.com",
            ["SendGrid:Timeout"] = "00:00:05",
            ["LocalHost:FunctionKey"] = FunctionKey,
            ["Dispatch:MaxDeliveryCount"] = "3",
            ["Dispatch:SmsPerSecond"] = "0",
            ["Dispatch:EmailPerSecond"] = "0",
            ["Dispatch:MaxRetryDelay"] = "00:00:00",

            // As behind Azure's front end: one trusted proxy, which appends the client to X-Forwarded-For.
            ["Access:TrustedProxyCount"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddKeyedSingleton<TimeProvider>(DeRisk.Hosting.Clocks.Wall, wallClock ?? time);
            services.AddSingleton<IStartupFilter, FrontEndPeer>();
        });
    }
}

/// <summary>
/// The test server has no connection: requests arrive as if through the trusted front end on loopback, which is the
/// peer the forwarded-headers handling checks (a real Kestrel connection from 127.0.0.1 looks the same).
/// </summary>
internal sealed class FrontEndPeer : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return following(context);
        });
        next(app);
    };
}
