using Microsoft.Extensions.Hosting;

namespace DeRisk.Storage;

/// <summary>Creates the tables and queues once when the host starts.</summary>
internal sealed class StorageInitializer(DeRiskTables tables, IEnumerable<IStorageResource> resources) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        foreach (var resource in resources)
        {
            await resource.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Something in storage (a queue) that must exist before the app runs.</summary>
public interface IStorageResource
{
    Task EnsureCreatedAsync(CancellationToken cancellationToken);
}
