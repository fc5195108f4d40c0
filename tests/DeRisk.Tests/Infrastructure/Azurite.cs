using System.Net.Sockets;
using Azure.Data.Tables;

namespace DeRisk.Tests.Infrastructure;

/// <summary>
/// The Azurite that scripts/test.sh started (DERISK_TEST_STORAGE), or the default local one. Tests that need it fail
/// — never skip — when it is not there.
/// </summary>
public sealed class AzuriteFixture
{
    public AzuriteFixture()
    {
        ConnectionString = Environment.GetEnvironmentVariable("DERISK_TEST_STORAGE") is { Length: > 0 } configured
            ? configured
            : "UseDevelopmentStorage=true";
        var tables = new TableServiceClient(ConnectionString);
        var endpoint = tables.Uri;
        using var tcp = new TcpClient();
        try
        {
            tcp.ConnectAsync(endpoint.Host, endpoint.Port).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException ex)
        {
            throw new InvalidOperationException($"Azurite is not reachable at {endpoint}. Run the tests with `bash scripts/test.sh`, which starts it.", ex);
        }

        if (!tcp.Connected)
        {
            throw new InvalidOperationException($"Azurite is not reachable at {endpoint}. Run the tests with `bash scripts/test.sh`, which starts it.");
        }
    }

    public string ConnectionString { get; }

    /// <summary>A fresh table/queue name prefix, so each test class works in its own tables and queues.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
