using BenchmarkDotNet.Running;

// BenchmarkDotNet: dotnet run -c Release --project tests/DeRisk.Benchmarks -- --filter '*'
// Load run of GET /api/me/rules over HTTP on 127.0.0.1: ... -- load [requests] [concurrency]
if (args is ["load", ..])
{
    await DeRisk.Benchmarks.MeRulesLoadRun.RunAsync(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DeRisk.Benchmarks.EvaluatorBenchmarks).Assembly).Run(args);
