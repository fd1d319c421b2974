namespace LayerGen.Tests;

/// <summary>
/// Second-order gradients through the loop op (<see cref="ScanOp"/>): the gradient of a Scan is another Scan whose body
/// is the body's gradient written with ops, so a tape around it differentiates it again (a gradient penalty on a
/// recurrent model). Checked against float64 central differences.
/// </summary>
public class ScanSecondOrderTests
{
    private static Tensor Lstm(Tensor xs, Tensor w, Tensor u, bool reverse, bool batched)
    {
        var projected = Ops.MatMul(xs, w);
        var (op, inputs, loop) = ScanOp.Apply(c =>
        {
            var z = Ops.Add(c[2], Ops.MatMul(c[0], u));
            var g = Ops.Split(z, 4, axis: 1);
            var cell = Ops.Add(Ops.Mul(Ops.Sigmoid(g[1]), c[1]), Ops.Mul(Ops.Sigmoid(g[0]), Ops.Tanh(g[2])));
            return [Ops.Mul(Ops.Sigmoid(g[3]), Ops.Tanh(cell)), cell];
        }, [Tensor.Zeros(new Shape(2, 2), DType.Float64), Tensor.Zeros(new Shape(2, 2), DType.Float64)], [projected], reverse, batched: batched);
        return Ops.Add(Ops.Sum(Ops.Square(ScanOp.Part(loop, op, inputs, 0, stacked: true))), Ops.Sum(ScanOp.Part(loop, op, inputs, 1, stacked: false)));
    }

    [Theory]
    // Batched: the backward loop reads the cell values from the forward result's columns (ScanOp views), which the
    // outer gradient differentiates through the same loop on the cut-out sequences.
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void AGradientPenaltyThroughTheLoopMatchesCentralDifferences(bool reverse, bool batched)
    {
        var rng = new RandomGenerator(11);
        var w = Ops.Cast(Tensor.RandomNormal([3, 8], generator: rng), DType.Float64);
        var u = Ops.Cast(Tensor.RandomNormal([2, 8], generator: rng), DType.Float64);
        var xs = Ops.Cast(Tensor.RandomNormal([4, 2, 3], generator: rng), DType.Float64);
        Tensor Penalty(Tensor[] v)
        {
            // |dL/dx|^2 + |dL/du|^2: the inner gradient is a backward Scan the outer tape differentiates.
            using var inner = new GradientTape(watchAccessedVariables: false);
            inner.Watch(v[0]);
            inner.Watch(v[2]);
            var loss = Lstm(v[0], v[1], v[2], reverse, batched);
            var g = inner.Gradient(loss, [v[0], v[2]]);
            return Ops.Add(Ops.Sum(Ops.Square(g[0]!)), Ops.Sum(Ops.Square(g[1]!)));
        }
        GradientCheck.Check(Penalty, [xs, w, u], tolerance: 1e-5);
        // The penalty's gradient traced: every loop stays one op (forward, backward, and their gradients).
        var graph = Graph.Trace(p =>
        {
            using var outer = new GradientTape(watchAccessedVariables: false);
            foreach (var t in p) outer.Watch(t);
            var y = Penalty(p);
            return [.. outer.Gradient(y, p).Select(t => t!)];
        }, [xs.Spec, w.Spec, u.Spec]);
        int scans = graph.OpNodes.Count(n => n.Op is ScanOp);
        Assert.InRange(scans, 3, 6);
        // The batched loop's gradient reads the kept cell values as columns of the forward result.
        Assert.Equal(batched, graph.OpNodes.Any(n => n.Op is ScanOp { Views: not null }));
        Tensor[] EagerGrads(Tensor[] p)
        {
            using var outer = new GradientTape(watchAccessedVariables: false);
            foreach (var t in p) outer.Watch(t);
            var y = Penalty(p);
            return [.. outer.Gradient(y, p).Select(t => t!)];
        }
        var eager = EagerGrads([xs, w, u]);
        var traced = graph.Run([xs, w, u]);
        var planned = ExecutionPlan.Create(graph, [xs.Spec, w.Spec, u.Spec]).RunAll([xs, w, u]);
        for (int i = 0; i < eager.Length; i++)
        {
            var e = eager[i].ToArray<double>();
            var a = traced[i].ToArray<double>();
            var b = planned[i].ToArray<double>();
            for (int k = 0; k < e.Length; k++)
            {
                Assert.True(Math.Abs(e[k] - a[k]) <= 1e-9 * (1 + Math.Abs(e[k])), $"input {i} element {k}: graph {a[k]}, eager {e[k]}");
                Assert.True(Math.Abs(e[k] - b[k]) <= 1e-9 * (1 + Math.Abs(e[k])), $"input {i} element {k}: plan {b[k]}, eager {e[k]}");
            }
        }
    }
}
