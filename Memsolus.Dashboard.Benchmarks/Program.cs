using BenchmarkDotNet.Running;

// Run by hand, in Release: dotnet run -c Release --project Memsolus.Dashboard.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Memsolus.Dashboard.Benchmarks.AdminSearchBenchmarks).Assembly).Run(args);
