using System.Text.Json;

namespace LayerGen.Graphs.Tests;

/// <summary>Every registered op: traced, written as JSON, read back and run, equals running it eagerly.</summary>
public class OpGraphTests
{
    private static readonly RandomGenerator G = new(42);
    private static Tensor N(params int[] shape) => Tensor.RandomNormal(shape, generator: G);
    private static Tensor P(params int[] shape) => Tensor.RandomUniform(shape, 0.5, 2, generator: G);
    private static Tensor I(params int[] values) => Tensor.From(values);

    /// <summary>One case per registered op name: the op and random inputs it accepts.</summary>
    public static IEnumerable<(Op Op, Tensor[] Inputs)> Cases()
    {
        foreach (var op in new Op[] { AbsOp.Instance, new EluOp(0.5), ErfOp.Instance, ExpOp.Instance, new GeluOp(true), new LeakyReluOp(0.2),
            NegOp.Instance, ReluOp.Instance, SigmoidOp.Instance, SignOp.Instance, SoftplusOp.Instance, SquareOp.Instance, TanhOp.Instance,
            StopGradientOp.Instance, new ClipOp(-0.5, double.PositiveInfinity), new SoftmaxOp(-1), new LogSoftmaxOp(1), new CastOp(DType.Float64) })
            yield return (op, [N(2, 3)]);
        yield return (LogOp.Instance, [P(2, 3)]);
        yield return (SqrtOp.Instance, [P(2, 3)]);
        foreach (var op in new Op[] { AddOp.Instance, SubOp.Instance, MulOp.Instance, DivOp.Instance, MaximumOp.Instance, MinimumOp.Instance })
            yield return (op, [N(2, 3), N(3)]);
        yield return (PowOp.Instance, [P(2, 3), N(3)]);
        foreach (var c in Enum.GetValues<Comparison>()) yield return (CompareOp.For(c), [Tensor.From(new[,] { { 1f, 2f, 3f }, { 3f, 2f, 1f } }), Tensor.From(new[] { 1f, 2f, 3f })]);
        yield return (new MatMulOp(false, true), [N(2, 3), N(4, 3)]);
        yield return (new MatMulOp(true, false), [N(2, 3, 2), N(3, 4)]);
        yield return (new ConvOp([2, 1], [1, 0, 1, 1], [1, 2], 2), [N(2, 5, 6, 4), N(2, 2, 2, 6)]);
        yield return (new ConvOp([1], [1, 1], [1], 1), [N(2, 6, 3), N(3, 3, 4)]);
        yield return (new ConvOp([1, 1, 2], [0, 1, 0, 0, 0, 1], [1, 1, 1], 1), [N(1, 3, 4, 5, 2), N(2, 2, 2, 2, 3)]);
        yield return (new ConvTransposeOp([5, 6], [2, 1], [1, 0, 1, 1], [1, 2], 2), [N(2, 3, 5, 6), N(2, 2, 2, 6)]);
        yield return (new ConvTransposeOp([7], [2], [0, 0], [1], 1), [N(2, 3, 4), N(3, 2, 4)]);
        yield return (new ConvFilterGradOp([2, 2], [2, 1], [1, 0, 1, 1], [1, 2], 2), [N(2, 5, 6, 4), N(2, 3, 5, 6)]);
        yield return (new SumOp([1], true), [N(2, 3)]);
        yield return (new MeanOp(null, false), [N(2, 3)]);
        yield return (new MaxOp([0], false), [N(2, 3)]);
        yield return (new MinOp([-1], true), [N(2, 3)]);
        yield return (new ProdOp([1], false), [N(2, 3)]);
        yield return (new ReducedCountOp([1]), [N(2, 3)]);
        yield return (new ProdExceptSelfOp([1]), [N(2, 3)]);
        yield return (new ArgMaxOp(1, false, false), [N(2, 3)]);
        yield return (new ArgMaxOp(null, true, true), [N(2, 3)]);
        yield return (new BroadcastToOp([2, 3]), [N(1, 3)]);
        yield return (BroadcastToLikeOp.Instance, [N(1, 3), N(2, 3)]);
        yield return (ReduceToLikeOp.Instance, [N(2, 3), N(1, 3)]);
        yield return (new ConcatOp(1), [N(2, 3), N(2, 2)]);
        yield return (new EinsumOp("aecd,abcd->acbe"), [N(2, 5, 2, 3), N(2, 4, 2, 3)]);  // strided batched GEMM
        yield return (new EinsumOp("abc,cde->abde"), [N(2, 3, 4), N(4, 2, 3)]);           // one GEMM
        yield return (new EinsumOp("...ij,...jk->...ik"), [N(2, 1, 3, 4), N(3, 4, 2)]); // direct sum (broadcast)
        yield return (new EinsumOp("ij,jk,kl"), [N(2, 3), N(3, 4), N(4, 2)]);           // three operands, implicit output
        yield return (new GatherOp(0), [N(4, 3), I(3, 0)]);
        yield return (new GatherGradOp(0), [N(2, 3), I(3, 0), N(4, 3)]);
        yield return (new OneHotOp(4, 1, 0, DType.Float32), [I(3, -1, 1)]);
        yield return (new PadOp([[1, 0], [0, 2]], 0.5), [N(2, 3)]);
        yield return (new PadGradOp([1, 0], [0, 2]), [N(3, 5)]);
        yield return (new ReshapeOp([3, -1]), [N(2, 3)]);
        yield return (ReshapeLikeOp.Instance, [N(2, 3), N(3, 2)]);
        yield return (new ExpandDimsOp(1), [N(2, 3)]);
        yield return (new SliceOp([0, 1], [2, 2]), [N(2, 3)]);
        yield return (new SliceGradOp([0, 1]), [N(2, 2), N(2, 3)]);
        yield return (ReluGradOp.Instance, [N(2, 3), N(2, 3)]);
        yield return (new SoftmaxGradOp(-1), [N(2, 3), N(2, 3)]);
        yield return (LstmCellUpdateOp.Instance, [N(3, 8), N(3, 2)]);
        yield return (LstmCellUpdateGradOp.Instance, [N(3, 8), N(3, 2), N(2, 3, 2), N(2, 3, 2)]);
        yield return (GruCellUpdateOp.Instance, [N(3, 6), N(3, 6), N(3, 2)]);
        yield return (GruCellUpdateGradOp.Instance, [N(3, 6), N(3, 6), N(3, 2), N(3, 2)]);
        yield return (new LayerNormOp(1e-3), [N(2, 3, 5), N(5), N(5)]);
        yield return (new LayerNormGradOp(1e-3), [N(2, 3, 5), N(5), N(2, 3, 5)]);
        yield return (new SqueezeOp([0]), [N(1, 3)]);
        yield return (new TileOp([2, 1]), [N(2, 3)]);
        yield return (new TileGradOp([2, 1]), [N(4, 3), N(2, 3)]);
        yield return (new TransposeOp([1, 0]), [N(2, 3)]);
        yield return (new TransposeOp(null), [N(2, 3, 4)]);
        yield return (new MaxPoolOp([2, 2], [1, 2], [0, 0, 1, 1]), [N(2, 3, 4, 2)]);
        yield return (new MaxPoolOp([2, 2, 2], [2, 2, 2], [0, 0, 0, 1, 1, 1]), [N(1, 3, 3, 3, 2)]);
        yield return (new MaxPoolOp([3], [1], [1, 1]), [N(2, 5, 3)]);
        yield return (new MaxPoolGradOp([2, 2], [1, 2], [0, 0, 1, 1]), [N(2, 3, 2, 2), N(2, 3, 4, 2)]);
        yield return (new MaxPoolGradGradOp([2, 2], [1, 2], [0, 0, 1, 1]), [N(2, 3, 4, 2), N(2, 3, 4, 2)]);
        yield return (new AvgPoolOp([3], [2], [1, 1]), [N(2, 5, 3)]);
        yield return (new AvgPoolOp([2, 2], [2, 2], [0, 0, 1, 1]), [N(2, 5, 5, 3)]);
        yield return (new AvgPoolOp([2, 1, 2], [1, 1, 2], [1, 0, 0, 0, 0, 1]), [N(1, 3, 2, 3, 2)]);
        yield return (new AvgPoolGradOp([3], [2], [1, 1]), [N(2, 3, 3), N(2, 5, 3)]);
        yield return (new ResizeBilinearOp([5, 3]), [N(1, 2, 4, 2)]);
        yield return (new ResizeBilinearOp([6, 8]), [N(2, 3, 4, 3)]);
        yield return (ResizeBilinearGradOp.Instance, [N(1, 5, 3, 2), N(1, 2, 4, 2)]);
        yield return (WhereOp.Instance, [Ops.Greater(N(2, 3), Tensor.Scalar(0f)), N(2, 3), N(3)]);
        yield return (new ScaleShiftOp(2, 0.5), [N(2, 3)]); // an application's op (CustomOpTests.cs)
        // Random ops from an immutable [seed, counter] state are pure functions (a variable state advances: StatefulGraphTests).
        yield return (new RandomUniformOp(-1, 2, null), [Tensor.From(new[] { 7L, 3L }), N(2, 3)]);
        yield return (new RandomNormalOp(0.5, 2, [-1, 1]), [Tensor.From(new[] { 7L, 4L }), N(2, 3)]);
        // The target is a variable passed as the graph's input: every run assigns the same value.
        yield return (AssignVariableOp.Instance, [new Variable(N(2, 3), trainable: false, name: "target"), N(2, 3)]);
        // A loop: h' = tanh(h @ w + x_t) over 4 steps, from the end, with w captured (an input of the op).
        yield return ScanCase(N(2, 3), N(4, 2, 3), N(3, 3), reverse: true);
    }

    /// <summary>The loop op applied to h (carry), xs (sequence) and the captured w.</summary>
    internal static (Op Op, Tensor[] Inputs) ScanCase(Tensor h, Tensor xs, Tensor w, bool reverse)
    {
        var (op, inputs, _) = ScanOp.Apply(x => [Ops.Tanh(Ops.Add(Ops.MatMul(x[0], w), x[1]))], [h], [xs], reverse);
        return (op, inputs);
    }

    [Fact]
    public void EveryRegisteredOpHasACase()
    {
        var covered = Cases().Select(c => c.Op.Name).ToHashSet();
        var missing = OpRegistry.Names.Where(n => !covered.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "No graph test case for: " + string.Join(", ", missing));
    }

    [Fact]
    public void GraphExecutionEqualsEagerExecution()
    {
        var failures = new List<string>();
        foreach (var (op, inputs) in Cases())
        {
            try
            {
                var eager = OpRunner.Run(op, inputs);
                var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [.. inputs.Select(i => i.Spec)]);
                var direct = graph.Run(inputs)[0];
                var reloaded = RoundTrip(graph).Run(inputs)[0];
                foreach (var (what, t) in new[] { ("graph", direct), ("reloaded graph", reloaded) })
                {
                    if (t.Spec != eager.Spec || !t.AsBytes().SequenceEqual(eager.AsBytes()))
                        failures.Add($"{op}: {what} gives {t.Spec}, eager {eager.Spec}, values differ: {t} vs {eager}");
                }
            }
            catch (Exception e) { failures.Add($"{op}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void AttributesRoundTripForEveryOp()
    {
        foreach (var (op, _) in Cases())
        {
            var copy = OpRegistry.RoundTrip(op);
            Assert.Equal(op.ToString(), copy.ToString());
            Assert.Equal(op.GetType(), copy.GetType());
        }
    }

    [Fact]
    public void UnknownDimensionsTraceAndRun()
    {
        var graph = Graph.Trace(p => [Ops.Sum(Ops.MatMul(p[0], Tensor.Ones([3, 2])), 1)], [new TensorSpec(new Shape(-1, 3), DType.Float32)]);
        Assert.Equal(new Shape(-1), graph.OutputSpecs[0].Shape);
        var x = Tensor.RandomNormal([5, 3]);
        var reloaded = RoundTrip(graph);
        Assert.Equal(Ops.Sum(Ops.MatMul(x, Tensor.Ones([3, 2])), 1).ToArray<float>(), reloaded.Run(x)[0].ToArray<float>());
    }

    [Fact]
    public void GraphsRunOnGradientTapes()
    {
        var w = new Variable(Tensor.From(new[] { 1f, 2f }), name: "w");
        var f = TensorFunction.Trace(x => Ops.Sum(Ops.Square(x * w)));
        var x = Tensor.From(new[] { 3f, 4f });
        f.Invoke(x);
        using var tape = new GradientTape();
        var y = f.Invoke(x);
        var g = tape.Gradient(y, [w])[0]!;
        Assert.Equal(new[] { 2 * 9f * 1, 2 * 16f * 2 }, g.ToArray<float>());
    }

    internal static Graph RoundTrip(Graph graph, IReadOnlyDictionary<string, Variable>? variables = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) GraphJson.Write(w, graph, "f", v => v.Name);
        return GraphJson.Read(stream.ToArray(), "f.json", variables ?? new Dictionary<string, Variable>());
    }
}

