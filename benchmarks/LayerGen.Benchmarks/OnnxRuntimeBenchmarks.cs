using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LayerGen;
using Microsoft.ML.OnnxRuntime;

namespace LayerGen.Benchmarks;

/// <summary>
/// ONNX Runtime as the reference for inference (issue 10), in the same BenchmarkDotNet run as LayerGen:
/// the models of <see cref="SmallModels"/> (the weights every benchmark uses) are traced
/// with <see cref="TensorFunction.Trace(Func{Tensor, Tensor}, string, TensorSpec[])"/>, exported with
/// LayerGen's <see cref="OnnxExport"/> to a temporary file, and loaded into an <see cref="InferenceSession"/>
/// (2 intra-op threads, full graph optimisation). ORT runs with its input and output bound once to
/// preallocated <see cref="OrtValue"/>s (<see cref="OrtIoBinding"/>), so a call is <c>RunWithBinding</c>
/// only. LayerGen runs the same expressions eagerly (as SeedModelBenchmarks does), through the traced
/// function whose graph was exported, and through an <see cref="ExecutionPlan"/> of that graph (on tensors, and
/// on float spans copied in and out). Each category's baseline is ORT: Ratio = LayerGen time / ORT time.
/// The setup checks that ORT's outputs equal LayerGen's to 1e-4 before anything is measured.
/// Run: <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*OnnxRuntime*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OnnxRuntimeBenchmarks
{
    private const string Seed = "Seed model, batch 1", Mlp = "MLP 784-256-256-10, batch 128";

    private SmallModels _models = null!;
    private Tensor _x = null!, _mx = null!;
    private OrtModel _seed = null!, _mlp = null!;
    private TensorFunction _seedTraced = null!, _mlpTraced = null!;
    private ExecutionPlan _seedPlan = null!, _mlpPlan = null!;
    private float[] _seedIn = null!, _seedOut = null!, _mlpIn = null!, _mlpOut = null!;

    /// <summary>The models of <see cref="SmallModels"/>, the two ONNX sessions, and the equality check.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _models = new SmallModels();
        _x = _models.SeedInput;
        _mx = _models.MlpInput;
        _seedTraced = TensorFunction.Trace(_models.Seed, "seed");
        _mlpTraced = TensorFunction.Trace(_models.Mlp, "mlp");
        _seed = OrtModel.Export(_seedTraced, _x);
        _mlp = OrtModel.Export(_mlpTraced, _mx);
        _seed.CheckAgainst(LayerGenSeedForward(), "seed model");
        _mlp.CheckAgainst(LayerGenMlpForward(), "MLP");
        _seed.CheckAgainst(LayerGenTracedSeedForward(), "traced seed model");
        _mlp.CheckAgainst(LayerGenTracedMlpForward(), "traced MLP");
        _seedPlan = _seedTraced.Plan(_x.Spec);
        _mlpPlan = _mlpTraced.Plan(_mx.Spec);
        (_seedIn, _seedOut) = (_x.ToArray<float>(), new float[2]);
        (_mlpIn, _mlpOut) = (_mx.ToArray<float>(), new float[128 * 10]);
        _seed.CheckAgainst(LayerGenPlanSeedForward(), "planned seed model");
        _mlp.CheckAgainst(LayerGenPlanMlpForward(), "planned MLP");
        LayerGenPlanSeedForwardSpans();
        _seed.CheckAgainst(Tensor.From<float>(_seedOut, new Shape(1, 2)), "planned seed model, spans");
        LayerGenPlanMlpForwardSpans();
        _mlp.CheckAgainst(Tensor.From<float>(_mlpOut, new Shape(128, 10)), "planned MLP, spans");
        Console.WriteLine($"// ONNX Runtime {OrtEnv.Instance().GetVersionString()}, intra-op threads 2, models exported by LayerGen.Graphs.OnnxExport (opset {OnnxExport.Opset}); outputs equal LayerGen's to 1e-4");
    }

    /// <summary>Disposes the sessions and deletes the temporary model files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _seed.Dispose();
        _mlp.Dispose();
    }

    /// <summary>ONNX Runtime, seed model, batch 1 (bound input and output).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Seed)]
    public void OrtSeedForward() => _seed.Run();

    /// <summary>LayerGen eager, seed model, batch 1 (the expression of <see cref="SeedModelBenchmarks.SeedForward"/>).</summary>
    [Benchmark, BenchmarkCategory(Seed)]
    public Tensor LayerGenSeedForward() => _models.Seed(_x);

    /// <summary>LayerGen, the same model traced once (<see cref="TensorFunction.Invoke(Tensor)"/> runs the graph), batch 1.</summary>
    [Benchmark, BenchmarkCategory(Seed)]
    public Tensor LayerGenTracedSeedForward() => _seedTraced.Invoke(_x);

    /// <summary>LayerGen, an <see cref="ExecutionPlan"/> of the traced graph (planned buffers, fused dense steps), batch 1.</summary>
    [Benchmark, BenchmarkCategory(Seed)]
    public Tensor LayerGenPlanSeedForward() => _seedPlan.Run(_x);

    /// <summary>The same plan on float spans (input copied in, output copied out), the nearest to ORT's bound buffers.</summary>
    [Benchmark, BenchmarkCategory(Seed)]
    public float LayerGenPlanSeedForwardSpans()
    {
        _seedPlan.Run(_seedIn, _seedOut);
        return _seedOut[0];
    }

    /// <summary>ONNX Runtime, MLP 784-256-256-10, batch 128 (bound input and output).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Mlp)]
    public void OrtMlpForward() => _mlp.Run();

    /// <summary>LayerGen eager, MLP 784-256-256-10, batch 128 (the expression of <see cref="SeedModelBenchmarks.MlpForward"/>).</summary>
    [Benchmark, BenchmarkCategory(Mlp)]
    public Tensor LayerGenMlpForward() => _models.Mlp(_mx);

    /// <summary>LayerGen, the same MLP traced once (<see cref="TensorFunction.Invoke(Tensor)"/> runs the graph), batch 128.</summary>
    [Benchmark, BenchmarkCategory(Mlp)]
    public Tensor LayerGenTracedMlpForward() => _mlpTraced.Invoke(_mx);

    /// <summary>LayerGen, an <see cref="ExecutionPlan"/> of the traced MLP, batch 128.</summary>
    [Benchmark, BenchmarkCategory(Mlp)]
    public Tensor LayerGenPlanMlpForward() => _mlpPlan.Run(_mx);

    /// <summary>The same plan on float spans (input copied in, output copied out).</summary>
    [Benchmark, BenchmarkCategory(Mlp)]
    public float LayerGenPlanMlpForwardSpans()
    {
        _mlpPlan.Run(_mlpIn, _mlpOut);
        return _mlpOut[0];
    }

    /// <summary>One exported model in an ORT session with its input and output bound to preallocated buffers.</summary>
    private sealed class OrtModel : IDisposable
    {
        private readonly string _path;
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly OrtValue _input, _output;
        private readonly OrtIoBinding _binding;
        private readonly long[] _outputShape;

        private OrtModel(string path, float[] input, long[] inputShape, long[] outputShape)
        {
            _path = path;
            _options = new SessionOptions
            {
                IntraOpNumThreads = 2,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _session = new InferenceSession(path, _options);
            _outputShape = outputShape;
            _input = OrtValue.CreateTensorValueFromMemory(input, inputShape);
            _output = OrtValue.CreateTensorValueFromMemory(new float[ShapeSize(outputShape)], outputShape);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(_session.InputNames[0], _input);
            _binding.BindOutput(_session.OutputNames[0], _output);
        }

        /// <summary>Traces <paramref name="call"/> on <paramref name="x"/>'s shape, exports that graph to a temporary ONNX file and opens it.</summary>
        public static OrtModel Export(TensorFunction call, Tensor x)
        {
            string name = call.Name;
            var y = call.Invoke(x);
            var path = Path.Combine(Path.GetTempPath(), $"layergen-bench-{name}-{Environment.ProcessId}.onnx");
            OnnxExport.Save(call.ConcreteFunctions[0].Graph, path, name);
            return new OrtModel(path, x.ToArray<float>(), ToLongs(x.Shape.ToArray()), ToLongs(y.Shape.ToArray()));
        }

        /// <summary>One inference into the bound output.</summary>
        public void Run() => _session.RunWithBinding(_runOptions, _binding);

        /// <summary>Runs once and throws unless every output element equals <paramref name="expected"/>'s to 1e-4.</summary>
        public void CheckAgainst(Tensor expected, string what)
        {
            Run();
            var want = expected.ToArray<float>();
            var got = _output.GetTensorDataAsSpan<float>();
            if (!expected.Shape.ToArray().Select(d => (long)d).SequenceEqual(_outputShape) || got.Length != want.Length)
                throw new InvalidOperationException($"{what}: ORT output shape ({string.Join(", ", _outputShape)}) differs from LayerGen's {expected.Shape}");
            for (int i = 0; i < want.Length; i++)
                if (!(Math.Abs(got[i] - want[i]) <= 1e-4f))
                    throw new InvalidOperationException($"{what}: ORT element {i} is {got[i]}, LayerGen {want[i]} (tolerance 1e-4)");
        }

        public void Dispose()
        {
            _binding.Dispose();
            _input.Dispose();
            _output.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
            _options.Dispose();
            File.Delete(_path);
        }

        private static long[] ToLongs(int[] dims) => [.. dims.Select(d => (long)d)];

        private static int ShapeSize(long[] shape)
        {
            long n = 1;
            foreach (var d in shape) n *= d;
            return checked((int)n);
        }
    }
}
