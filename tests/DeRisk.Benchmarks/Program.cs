using BenchmarkDotNet.Running;

// BenchmarkDotNet: dotnet run -c Release --project tests/DeRisk.Benchmarks -- --filter '*'
// Load run of GET /api/me/rules over HTTP on 127.0.0.1: ... -- load [requests] [concurrency]
if (args is ["load", ..])
{
    await DeRisk.Benchmarks.MeRulesLoadRun.RunAsync(args.Skip(1).ToArray());
    return;
}

// The full tick for N subscribers, single instance and fanned out to W workers: ... -- tick [N] [W]
if (args is ["tick", ..])
{
    await DeRisk.Benchmarks.TickLoadRun.RunAsync(args.Skip(1).ToArray());
    return;
}

// The dispatcher draining N notifications with D dispatchers at once: ... -- dispatch [N] [D]
if (args is ["dispatch", ..])
{
    await DeRisk.Benchmarks.DispatchLoadRun.RunAsync(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DeRisk.Benchmarks.EvaluatorBenchmarks).Assembly).Run(args);
