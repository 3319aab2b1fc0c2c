using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, a job with --job (docs/benchmarks.md).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
