using System.Threading.Channels;
using DeRisk.LocalHost.Functions;
using DeRisk.Market;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Hosting;

/// <summary>Records when the local host ran it.</summary>
public sealed class ProbeTimerFunction(Channel<DateTimeOffset> runs, TimeProvider time)
{
    [Function("Probe")]
    public Task RunAsync([TimerTrigger("%ProbeSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.Writer.WriteAsync(time.GetUtcNow(), cancellationToken).AsTask();
}

public sealed class LocalHostTimerTests
{
    [Fact]
    public async Task Timer_function_runs_on_its_configured_schedule_in_the_app_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2022, 5, 10, 0, 0, 0, TimeSpan.Zero));
        var runs = Channel.CreateUnbounded<DateTimeOffset>();
        using var services = new ServiceCollection().AddSingleton(runs).AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var probe = Assert.Single(new FunctionCatalog(typeof(ProbeTimerFunction).Assembly).Timers);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ProbeSchedule"] = "0 */5 * * * *" }).Build();
        using var runner = new TimerFunctionRunner(probe, TimerFunctionRunner.ParseSchedule(probe, configuration), services, time, NullLogger<TimerFunctionRunner>.Instance);

        await runner.StartAsync(default);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.False(runs.Reader.TryRead(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        var first = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMinutes(5));
        var second = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await runner.StopAsync(default);

        Assert.Equal(new DateTimeOffset(2022, 5, 10, 0, 5, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2022, 5, 10, 0, 10, 0, TimeSpan.Zero), second);
    }

    [Fact]
    public void A_schedule_setting_that_is_missing_or_not_ncrontab_stops_the_host_with_its_name()
    {
        var probe = Assert.Single(new FunctionCatalog(typeof(ProbeTimerFunction).Assembly).Timers);
        var empty = new ConfigurationBuilder().Build();
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ProbeSchedule"] = "every five minutes" }).Build();

        Assert.Contains("'ProbeSchedule'", Assert.Throws<InvalidOperationException>(() => TimerFunctionRunner.ParseSchedule(probe, empty)).Message, StringComparison.Ordinal);
        Assert.Contains("every five minutes", Assert.Throws<InvalidOperationException>(() => TimerFunctionRunner.ParseSchedule(probe, bad)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_clock_runs_speed_times_the_wall_clock_and_scales_its_timers()
    {
        var wall = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var start = new DateTimeOffset(2022, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new ReplayClock(start, speed: 43_200, wall);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan);

        wall.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(0, Volatile.Read(ref fired));
        wall.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(1, Volatile.Read(ref fired));
        Assert.Equal(start.AddDays(1), clock.GetUtcNow());
    }
}
