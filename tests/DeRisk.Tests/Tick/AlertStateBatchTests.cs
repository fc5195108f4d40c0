using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Tick;

/// <summary>
/// The alert state store on Azurite: every column round-trips; writes go in batch transactions, and a conflict in one row
/// costs that row only, never its batch mates.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AlertStateBatchTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Fact]
    public async Task A_batch_with_a_stale_etag_writes_every_other_row_and_reports_the_stale_one()
    {
        var store = Host.Services.GetRequiredService<AlertStateStore>();
        var now = Time.GetUtcNow();
        AlertState State(int i) => new($"{i:x32}", "rule", AlertStatus.Firing, 1, now, 1.0);

        // 150 new rows: two transactions (100 + 50).
        var first = await store.WriteAsync(Enumerable.Range(0, 150).Select(i => (AlertStateStore.ToEntity("s000", State(i)), (Azure.ETag?)null)).ToList(), default);
        Assert.All(first, Assert.True);
        var read = await store.ReadShardAsync("s000", default);
        Assert.Equal(150, read.States.Count);

        // Row 7 changed by someone else since it was read; rows 0-9 written with the ETags read before that change.
        var seven = read.StateOf($"{7:x32}", "rule");
        Assert.True(await store.TryWriteAsync("s000", seven with { Episode = 2 }, default));
        var again = await store.WriteAsync(Enumerable.Range(0, 10)
            .Select(i => (AlertStateStore.ToEntity("s000", State(i) with { Episode = 3 }), read.StateOf($"{i:x32}", "rule").ETag))
            .ToList(), default);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i != 7), again);
        var after = await store.ReadShardAsync("s000", default);
        Assert.Equal(2, after.StateOf($"{7:x32}", "rule").Episode);
        Assert.Equal(3, after.StateOf($"{3:x32}", "rule").Episode);
    }

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
