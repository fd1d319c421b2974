using BenchmarkDotNet.Running;

// Run all:        dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*'
// Run one class:  dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*MatMul*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point holder.</summary>
public partial class Program;
