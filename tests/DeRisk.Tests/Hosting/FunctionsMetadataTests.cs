using System.Reflection;
using System.Text.Json;
using DeRisk.Functions.Tick;
using DeRisk.LocalHost.Functions;
using DeRisk.Tests.Infrastructure;

namespace DeRisk.Tests.Hosting;

/// <summary>The local host serves exactly what the Worker SDK tells the Functions host: same functions, routes, methods, schedules, queues.</summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void Local_host_routes_and_schedules_equal_the_generated_functions_metadata()
    {
        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(History.RepoRoot(), "src", "DeRisk.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK writes it when DeRisk.Functions builds.");

        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        var generatedHttp = new SortedSet<string>(StringComparer.Ordinal);
        var generatedTimers = new SortedSet<string>(StringComparer.Ordinal);
        var generatedQueues = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString();
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                switch (binding.GetProperty("type").GetString())
                {
                    case "httpTrigger":
                        var methods = binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order();
                        generatedHttp.Add($"{name} {string.Join(',', methods)} {binding.GetProperty("route").GetString()} {binding.GetProperty("authLevel").GetString()}");
                        break;
                    case "timerTrigger":
                        generatedTimers.Add($"{name} {binding.GetProperty("schedule").GetString()}");
                        break;
                    case "queueTrigger":
                        generatedQueues.Add($"{name} {binding.GetProperty("queueName").GetString()} {binding.GetProperty("connection").GetString()}");
                        break;
                }
            }
        }

        var catalog = new FunctionCatalog(typeof(MarketPollFunction).Assembly);
        var localHttp = new SortedSet<string>(catalog.Http.Select(f => $"{f.Name} {string.Join(',', f.Methods.Order())} {f.Route} {f.AuthLevel}"), StringComparer.Ordinal);
        var localTimers = new SortedSet<string>(catalog.Timers.Select(f => $"{f.Name} {f.Schedule}"), StringComparer.Ordinal);
        var localQueues = new SortedSet<string>(catalog.Queues.Select(f => $"{f.Name} {f.QueueName} {f.Connection}"), StringComparer.Ordinal);

        Assert.NotEmpty(generatedHttp);
        Assert.NotEmpty(generatedTimers);
        Assert.Equal(generatedHttp, localHttp);
        Assert.Equal(generatedTimers, localTimers);
        Assert.NotEmpty(generatedQueues);
        Assert.Equal(generatedQueues, localQueues);
    }
}
