using DeRisk.Storage;
using DeRisk.Subscribers;
using DeRisk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Subscribers;

[Collection(AzuriteCollection.Name)]
public sealed class SubscriberStoreTests(AzuriteFixture azurite) : LocalHostWithTwilioSink(azurite, new DateTimeOffset(2022, 5, 10, 0, 0, 30, TimeSpan.Zero))
{
    [Fact]
    public async Task The_profile_read_selects_every_profile_field_and_leaves_the_rules_behind()
    {
        var store = Host.Services.GetRequiredService<SubscriberStore>();
        var written = new Subscriber(RowKeys.NewId(Time), "+14155550142", ChannelState.Stopped, "someone@example.com", ChannelState.Failed,
            Time.GetUtcNow(), new DeliveryPreferences("Europe/Berlin", new TimeOnly(22, 30), new TimeOnly(7, 15), 17));
        Assert.True(await store.TryCreateAsync(written, default));

        var profile = await store.GetProfileAsync(written.Id, default);
        var whole = await store.GetAsync(written.Id, default);

        // Every field the full row gives, the narrow read gives too (a field added to one and not the other fails here).
        Assert.Equal(written, profile);
        Assert.Equal(whole!.Subscriber, profile);
        Assert.Null(await store.GetProfileAsync(RowKeys.NewId(Time), default));
    }
}
