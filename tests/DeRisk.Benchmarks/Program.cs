using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/DeRisk.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(DeRisk.Benchmarks.EvaluatorBenchmarks).Assembly).Run(args);
