using System.Diagnostics;
using LayerGen;
using LayerGen.Layers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 18's attention measurements (Stopwatch, medians): batch 32, sequence 128, width 256, 8 heads (key_dim 32),
/// float32. Two functions, each eager and as an <see cref="ExecutionPlan"/> of its trace, forward and forward +
/// backward (a <see cref="GradientTape"/> inside the trace: gradients of the output's sum for every weight):
/// <list type="bullet">
/// <item><c>mha</c>: <see cref="MultiHeadAttention"/> self-attention (PyTorch: <c>nn.MultiheadAttention</c>);</item>
/// <item><c>encoder</c>: <see cref="EncoderBlock"/>, the post-norm encoder block of
/// <c>nn.TransformerEncoderLayer(256, 8, 1024, dropout=0)</c>.</item>
/// </list>
/// Also prints the bytes a planned run allocates. Run:
/// <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- attention [runs]</c>; the PyTorch side is
/// <c>benchmarks/References/pytorch_attention.py</c>.
/// </summary>
internal static class AttentionTiming
{
    private const int Batch = 32, Sequence = 128, Width = 256, Heads = 8;

    public static void Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        Console.WriteLine($"// LayerGen attention, batch {Batch}, sequence {Sequence}, width {Width}, {Heads} heads, {Environment.ProcessorCount} cores, median of {runs}");
        var x = new RandomGenerator(2).Normal([Batch, Sequence, Width]);

        RandomGenerator.SetGlobalSeed(1);
        var mha = new MultiHeadAttention(numHeads: Heads, keyDim: Width / Heads);
        Measure("mha", t => mha.Invoke(t, t), () => [.. mha.TrainableVariables], x, runs);

        RandomGenerator.SetGlobalSeed(1);
        var encoder = new EncoderBlock(Width, Heads);
        Measure("encoder", encoder.Call, encoder.TrainableVariables, x, runs);

        // Where a planned run's bytes come from: the encoder's parts alone.
        Console.WriteLine("// bytes per planned run (forward / forward+backward) of the encoder's parts:");
        Parts("LayerNormalization", t => encoder.Norm.Invoke(t), [.. encoder.Norm.TrainableVariables], x);
        Parts("Dense(1024, relu)", t => encoder.FeedForward.Invoke(t), [.. encoder.FeedForward.TrainableVariables], x);
        Parts("Add", t => encoder.Residual.Invoke([t, t]), [], x);
        Parts("MultiHeadAttention", t => encoder.Attention.Invoke(t, t), [.. encoder.Attention.TrainableVariables], x);
    }

    private static void Parts(string name, Func<Tensor, Tensor> f, Variable[] vars, Tensor x)
    {
        var forward = TensorFunction.Trace(f).Plan(x.Spec);
        var backward = TensorFunction.Trace(xs =>
        {
            using var tape = new GradientTape();
            tape.Watch(xs[0]);
            var y = Ops.Sum(f(xs[0]));
            return [y, .. tape.Gradient(y, [xs[0], .. vars]).Select(g => g!)];
        }, 1).Plan(x.Spec);
        Console.WriteLine($"//   {name,-20} {Allocated(() => forward.Run(x)),6} B / {Allocated(() => backward.RunAll(x)),6} B   allocating steps: {string.Join(", ", forward.AllocatingSteps.Concat(backward.AllocatingSteps))}");
    }

    private static void Measure(string name, Func<Tensor, Tensor> f, Func<Variable[]> variables, Tensor x, int runs)
    {
        f(x); // builds
        var vars = variables();
        Tensor[] ForwardBackward(Tensor[] xs)
        {
            using var tape = new GradientTape();
            var y = Ops.Sum(f(xs[0]));
            return [y, .. tape.Gradient(y, vars).Select(g => g!)];
        }
        var forwardPlan = TensorFunction.Trace(f).Plan(x.Spec);
        var backwardPlan = TensorFunction.Trace(ForwardBackward, 1).Plan(x.Spec);

        double eagerForward = Median(() => f(x), runs);
        double plannedForward = Median(() => forwardPlan.Run(x), runs);
        long forwardBytes = Allocated(() => forwardPlan.Run(x));
        double eagerBackward = Median(() => ForwardBackward([x]), runs);
        double plannedBackward = Median(() => backwardPlan.RunAll(x), runs);
        long backwardBytes = Allocated(() => backwardPlan.RunAll(x));
        Console.WriteLine($"{name,-8} forward           eager {eagerForward,8:F2} ms   planned {plannedForward,8:F2} ms   planned run allocates {forwardBytes} B");
        Console.WriteLine($"{name,-8} forward+backward  eager {eagerBackward,8:F2} ms   planned {plannedBackward,8:F2} ms   planned run allocates {backwardBytes} B");
    }

    private static double Median(Action run, int runs)
    {
        for (int i = 0; i < 2; i++) run();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    private static long Allocated(Action run)
    {
        run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) run();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 3;
    }
}
