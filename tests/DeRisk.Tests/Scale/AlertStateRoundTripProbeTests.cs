using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Scale;

[Collection(AzuriteCollection.Name)]
public sealed class AlertStateRoundTripProbeTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Fact]
    public async Task Every_column_of_an_alert_state_round_trips_and_a_release_clears_the_held_columns()
    {
        var store = Host.Services.GetRequiredService<AlertStateStore>();
        var now = Time.GetUtcNow();
        var held = new AlertState(new string('a', 32), "rule1", AlertStatus.Firing, 3, now, -21.5, null, null, now.AddMinutes(-5), 2, 4, -11.25, "BTC=22461.23;FNG=7", now.AddHours(-1), HoldReason.DailyCap, "BTC -11.6%/24h");

        Assert.True(await store.TryWriteAsync("s001", held, default));
        var read = (await store.ReadShardAsync("s001", default)).StateOf(held.SubscriberId, held.RuleId);
        Assert.Equal(held with { ETag = read.ETag }, read);

        Assert.True(await store.TryWriteAsync("s001", read.Released(), default));
        var released = (await store.ReadShardAsync("s001", default)).StateOf(held.SubscriberId, held.RuleId);
        Assert.Equal(read.Released() with { ETag = released.ETag }, released);
    }
}
