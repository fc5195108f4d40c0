using DeRisk.Tests.Infrastructure;
using DeRisk.Tick;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Tick;

/// <summary>State writes go in batch transactions; a conflict in one row costs that row only, never its batch mates.</summary>
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
}
