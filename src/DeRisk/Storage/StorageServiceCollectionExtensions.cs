using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using DeRisk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DeRisk.Storage;

/// <summary>Wires Azure Table and Queue Storage: options, the clients (a connection string, or the service URIs with a managed identity), the tables and their creation at start.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return storage.UsesIdentity
                ? new TableServiceClient(storage.TableServiceUri(), sp.GetRequiredService<TokenCredential>())
                : new TableServiceClient(storage.ConnectionString);
        });
        services.TryAddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            return storage.UsesIdentity
                ? new QueueServiceClient(storage.QueueServiceUri(), sp.GetRequiredService<TokenCredential>(), options)
                : new QueueServiceClient(storage.ConnectionString, options);
        });
        services.TryAddSingleton<DeRiskTables>();
        services.AddHostedService<StorageInitializer>();
        return builder;
    }
}
