using BenchmarkDotNet.Running;

// Run all:        dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*'
// Run one class:  dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*MatMul*'

// BenchmarkDotNet runs the benchmarks in a project it generates, which does not get the GC settings that the
// LayerGen package's buildTransitive/LayerGen.targets gives an application (an 8 MiB System.GC.LOHThreshold, and
// System.GC.Concurrent=false). The benchmark processes inherit this environment, so LayerGen is measured as an
// app that references the package runs it. Explicit DOTNET_GCLOHThreshold / DOTNET_gcConcurrent values win
// (e.g. 0x14C08 and 1, the runtime's defaults).
if (Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold") is null)
    Environment.SetEnvironmentVariable("DOTNET_GCLOHThreshold", "0x800000");
if (Environment.GetEnvironmentVariable("DOTNET_gcConcurrent") is null)
    Environment.SetEnvironmentVariable("DOTNET_gcConcurrent", "0");

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point holder.</summary>
public partial class Program;
