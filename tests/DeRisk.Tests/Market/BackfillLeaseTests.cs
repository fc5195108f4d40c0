using Azure.Data.Tables;
using DeRisk.Storage;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Market;

/// <summary>The backfill's lease row on Azurite: one holder at a time, taken over only once it expired, never released by a former holder.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BackfillLeaseTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _wall = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly TableClient _table = new(azurite.ConnectionString, AzuriteFixture.NewPrefix() + "Leases");

    public async Task InitializeAsync() => await _table.CreateIfNotExistsAsync();

    public async Task DisposeAsync() => await _table.DeleteAsync();

    private TableLease Lease() => new(_table, "lease", "backfill", _wall);

    [Fact]
    public async Task Two_instances_racing_for_the_lease_get_one_holder_the_other_told_who_and_until_when()
    {
        var outcomes = await Task.WhenAll(Lease().TryAcquireAsync("a", Duration, default), Lease().TryAcquireAsync("b", Duration, default));

        var won = Assert.Single(outcomes, o => o.Acquired);
        var lost = Assert.Single(outcomes, o => !o.Acquired);
        Assert.Contains(lost.Holder, new[] { "a", "b" });
        Assert.Equal(_wall.GetUtcNow() + Duration, lost.Until);
        Assert.NotSame(won, lost);
    }

    [Fact]
    public async Task A_lease_is_taken_over_only_after_it_expired_and_the_former_holder_can_then_neither_renew_nor_release_it()
    {
        var a = Lease();
        var b = Lease();
        Assert.True((await a.TryAcquireAsync("a", Duration, default)).Acquired);
        _wall.Advance(TimeSpan.FromMinutes(4));
        Assert.True(await a.RenewAsync("a", Duration, default));
        _wall.Advance(TimeSpan.FromMinutes(4));
        var held = await b.TryAcquireAsync("b", Duration, default);
        Assert.Equal((false, "a", _wall.GetUtcNow() + TimeSpan.FromMinutes(1)), (held.Acquired, held.Holder, held.Until));

        // a stops renewing (it died, or hung): five minutes after its last renewal b takes the lease over.
        _wall.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await b.TryAcquireAsync("b", Duration, default)).Acquired);
        Assert.False(await a.RenewAsync("a", Duration, default));
        await a.ReleaseAsync(default);
        var c = await Lease().TryAcquireAsync("c", Duration, default);
        Assert.Equal((false, "b"), (c.Acquired, c.Holder));

        // b releases it when done: the next pass, wherever it runs, takes it at once.
        await b.ReleaseAsync(default);
        Assert.True((await Lease().TryAcquireAsync("c", Duration, default)).Acquired);
    }
}
