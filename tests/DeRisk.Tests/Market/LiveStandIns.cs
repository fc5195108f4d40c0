using DeRisk.LocalHost.Sinks;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Market;

/// <summary>
/// The live market's providers stood in for on 127.0.0.1 (CoinGecko and alternative.me, answering what each test
/// queues), a Twilio sink, and instances of the app in live mode pointed at them, on Azurite.
/// </summary>
public sealed class LiveStandIns : IAsyncDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly List<LocalHostFactory> _hosts = [];

    private LiveStandIns(FakeTimeProvider time, FakeUpstream coinGecko, FakeUpstream alternativeMe, TwilioSink sink) =>
        (_time, CoinGecko, AlternativeMe, Sink) = (time, coinGecko, alternativeMe, sink);

    public FakeUpstream CoinGecko { get; }

    public FakeUpstream AlternativeMe { get; }

    public TwilioSink Sink { get; }

    public static async Task<LiveStandIns> StartAsync(FakeTimeProvider time)
    {
        var coinGecko = await FakeUpstream.StartAsync();
        var alternativeMe = await FakeUpstream.StartAsync();
        var sink = new TwilioSink(LocalHostFactory.AccountSid, LocalHostFactory.AuthToken, time);
        await sink.StartAsync("http://127.0.0.1:0");
        return new LiveStandIns(time, coinGecko, alternativeMe, sink);
    }

    /// <summary>
    /// An instance of the app on the live market for <paramref name="assets"/> ("BTC=bitcoin,..."): the Demo plan, no
    /// retries, no pacing; <paramref name="settings"/> add to or override that.
    /// </summary>
    public LocalHostFactory Host(AzuriteFixture azurite, string assets, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Market:Mode"] = "Live",
            ["Market:Assets"] = assets,
            ["CoinGecko:BaseUrl"] = CoinGecko.BaseAddress.ToString(),
            ["CoinGecko:Plan"] = "Demo",
            ["CoinGecko:ApiKey"] = "demo-key",
            ["CoinGecko:RetryAttempts"] = "0",
            ["CoinGecko:BackfillPace"] = "00:00:00",
            ["AlternativeMe:BaseUrl"] = AlternativeMe.BaseAddress.ToString(),
            ["AlternativeMe:RetryAttempts"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var host = new LocalHostFactory(azurite, _time, Sink.BaseAddress, values.Where(s => s.Value is not null).ToDictionary());
        _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Sink.DisposeAsync();
        await CoinGecko.DisposeAsync();
        await AlternativeMe.DisposeAsync();
    }
}
