using BenchmarkDotNet.Running;

// Run all:        dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*'
// Run one class:  dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*MatMul*'

// BenchmarkDotNet runs the benchmarks in a project it generates, which does not get the 8 MiB
// System.GC.LOHThreshold that the LayerGen package's buildTransitive/LayerGen.targets gives an application.
// The benchmark processes inherit this environment, so LayerGen is measured as an app that references the
// package runs it. An explicit DOTNET_GCLOHThreshold (e.g. the runtime's default, 0x14C08) wins.
if (Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold") is null)
    Environment.SetEnvironmentVariable("DOTNET_GCLOHThreshold", "0x800000");

// Issue 22's Stopwatch timings of Fit per epoch (not a BenchmarkDotNet class): -- mlp-fit [epochs]
if (args.Length > 0 && args[0] == "mlp-fit")
{
    LayerGen.Benchmarks.MlpFitTiming.Run(args[1..]);
    return;
}

// Issue 22's inference probe (Stopwatch): -- mlp-infer [rounds]
if (args.Length > 0 && args[0] == "mlp-infer")
{
    LayerGen.Benchmarks.MlpInferTiming.Run(args[1..]);
    return;
}

// Issue 18's encoder profile (per-op time of a planned run): -- attention-profile [runs] [forward|backward]
if (args.Length > 0 && args[0] == "attention-profile")
{
    LayerGen.Benchmarks.AttentionProfile.Run(args[1..]);
    return;
}

// Issue 18's attention timings (eager and planned, MultiHeadAttention and an encoder block): -- attention [runs]
if (args.Length > 0 && args[0] == "attention")
{
    LayerGen.Benchmarks.AttentionTiming.Run(args[1..]);
    return;
}

// Issue 17's bytes and time per training step of an Embedding(50000, 64) model: -- embedding-step [steps]
if (args.Length > 0 && args[0] == "embedding-step")
{
    LayerGen.Benchmarks.EmbeddingStepAllocation.Run(args[1..]);
    return;
}

// Issue 16's quick Stopwatch probe of the convolution passes and the convnet step: -- conv-timing [rounds] [conv|net]
if (args.Length > 0 && args[0] == "conv-timing")
{
    LayerGen.Benchmarks.ConvTiming.Run(args[1..]);
    return;
}

// Issue 22's eager probe (Stopwatch, storage pool knobs as arguments): -- eager-timing [rounds] [collection MiB] [pool on|off]
if (args.Length > 0 && args[0] == "eager-timing")
{
    LayerGen.Benchmarks.EagerTiming.Run(args[1..]);
    return;
}

// Issue 22's square-GEMM probe (Stopwatch, eager / planned / OpenBLAS): -- gemm-timing [rounds] [sizes]
if (args.Length > 0 && args[0] == "gemm-timing")
{
    LayerGen.Benchmarks.GemmTiming.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point holder.</summary>
public partial class Program;
