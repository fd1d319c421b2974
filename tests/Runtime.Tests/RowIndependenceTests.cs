using LayerGen.Callbacks;
using LayerGen.Graphs;
using LayerGen.Kernels;
using LayerGen.Layers;
using LayerGen.Operations;

namespace LayerGen.Tests;

/// <summary>
/// Row independence (Op.TreatsRowsIndependently, Graphs.RowIndependence) and Predict's stacked runs built on it: every op
/// that says it computes each row alone gives a row the same bits whatever the number of rows and the row's position;
/// graphs that mix rows, draw random numbers or depend on the number of rows are refused; Predict over several batches
/// per plan run gives exactly the batch-by-batch predictions.
/// </summary>
public class RowIndependenceTests
{
    private static float[] Random(Random r, int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1))];

    private static Tensor Rows(Tensor x, int start, int count) => x[start..(start + count)];

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(expected.AsBytes().SequenceEqual(actual.AsBytes()), "the bits differ");
    }

    public static TheoryData<int, int> GemmShapes => new()
    {
        { 256, 784 }, // the MLP's first layer
        { 256, 256 },
        { 10, 256 },  // narrow: the 16-wide tile
        { 33, 1000 }, // two depth blocks, a partial column panel
        { 32, 7 },
    };

    [Theory]
    [MemberData(nameof(GemmShapes))]
    public void AGemmRowHasTheSameBitsWhateverTheNumberOfRowsAndItsPosition(int n, int k)
    {
        var r = new Random(n * 7 + k);
        const int large = 1000; // not a multiple of the 12- or 16-row tiles
        var a = Random(r, large * k);
        var b = Random(r, k * n);
        var packed = Gemm.PackB(b, false, k, n);
        var all = new float[large * n];
        Gemm.Sgemm(a, false, b, false, all, large, n, k);
        foreach (int m in new[] { 1, 5, 13, 16, 128 })
        {
            if (!Gemm.IsBlocked(m, n, k)) continue;
            for (int start = 0; start + m <= large; start += 3 * m + 1)
            {
                var part = a.AsSpan(start * k, m * k).ToArray();
                foreach (int threads in new[] { 1, 2 })
                {
                    var c = new float[m * n];
                    Gemm.Sgemm(part, false, b, false, c, m, n, k, threads, Gemm.Best);
                    Assert.Equal(all.AsSpan(start * n, m * n).ToArray(), c);
                    Array.Fill(c, float.NaN);
                    Gemm.Sgemm(part, false, packed, c, m, threads);
                    Assert.Equal(all.AsSpan(start * n, m * n).ToArray(), c);
                }
            }
        }
    }

    /// <summary>An op case: the op, its inputs for a number of rows (batch inputs first), which inputs are the batch's.</summary>
    public sealed record Case(string Name, Func<int, Random, Tensor[]> Inputs, bool[] Batch, Func<Tensor[], Tensor> Run, Op Op);

    private static Tensor Uniform(Random r, params int[] shape) => Tensor.From(Random(r, shape.Aggregate(1, (x, y) => x * y)), shape);

    private static Tensor UniformDouble(Random r, params int[] shape)
        => Tensor.From(Random(r, shape.Aggregate(1, (x, y) => x * y)).Select(v => (double)v).ToArray(), shape);

    public static IEnumerable<Case> Cases()
    {
        // Inputs that are not the batch's come from a generator seeded the same for every number of rows.
        yield return new("Add bias", (m, r) => [Uniform(r, m, 37), Uniform(new Random(5), 37)], [true, false], t => Ops.Add(t[0], t[1]), AddOp.Instance);
        yield return new("Add rows", (m, r) => [Uniform(r, m, 37), Uniform(r, m, 37)], [true, true], t => Ops.Add(t[0], t[1]), AddOp.Instance);
        yield return new("Sub 1-row", (m, r) => [Uniform(r, m, 3, 5), Uniform(new Random(6), 1, 3, 5)], [true, false], t => Ops.Sub(t[0], t[1]), SubOp.Instance);
        yield return new("Mul scalar", (m, r) => [Uniform(r, m, 19), Uniform(new Random(7), 1)], [true, false], t => Ops.Mul(t[0], t[1]), MulOp.Instance);
        yield return new("Div", (m, r) => [Uniform(r, m, 21), Uniform(r, m, 21)], [true, true], t => Ops.Div(t[0], t[1]), DivOp.Instance);
        yield return new("Relu", (m, r) => [Uniform(r, m, 45)], [true], t => Ops.Relu(t[0]), ReluOp.Instance);
        // Transcendental ops over [-5, 5] (the polynomial and the exponential branches of tanh), softmax over each row.
        yield return new("Tanh", (m, r) => [Uniform(r, m, 45)], [true], t => Ops.Tanh(Ops.Mul(t[0], Tensor.Scalar(5, DType.Float32))), TanhOp.Instance);
        yield return new("Tanh float64", (m, r) => [UniformDouble(r, m, 9)], [true], t => Ops.Tanh(t[0]), TanhOp.Instance);
        yield return new("Sigmoid", (m, r) => [Uniform(r, m, 45)], [true], t => Ops.Sigmoid(Ops.Mul(t[0], Tensor.Scalar(5, DType.Float32))), SigmoidOp.Instance);
        yield return new("Sigmoid 10 wide", (m, r) => [Uniform(r, m, 10)], [true], t => Ops.Sigmoid(t[0]), SigmoidOp.Instance);
        yield return new("Softmax last axis", (m, r) => [Uniform(r, m, 10)], [true], t => Ops.Softmax(t[0]), new SoftmaxOp(-1));
        yield return new("Softmax rank 3", (m, r) => [Uniform(r, m, 3, 37)], [true], t => Ops.Softmax(t[0], 2), new SoftmaxOp(2));
        yield return new("Softmax float64", (m, r) => [UniformDouble(r, m, 17)], [true], t => Ops.Softmax(t[0]), new SoftmaxOp(-1));
        yield return new("MatMul 784x256", (m, r) => [Uniform(r, m, 784), Uniform(new Random(8), 784, 256)], [true, false], t => Ops.MatMul(t[0], t[1]), MatMulOp.Plain);
        yield return new("MatMul 256x10", (m, r) => [Uniform(r, m, 256), Uniform(new Random(9), 256, 10)], [true, false], t => Ops.MatMul(t[0], t[1]), MatMulOp.Plain);
        yield return new("MatMul b^T", (m, r) => [Uniform(r, m, 300), Uniform(new Random(10), 40, 300)], [true, false], t => Ops.MatMul(t[0], t[1], transposeB: true), new MatMulOp(false, true));
        yield return new("MatMul float64", (m, r) => [UniformDouble(r, m, 30), UniformDouble(new Random(11), 30, 9)], [true, false], t => Ops.MatMul(t[0], t[1]), MatMulOp.Plain);
    }

    public static TheoryData<string> CaseNames => [.. Cases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void AnOpThatSaysItTreatsRowsIndependentlyComputesEachRowAlone(string name)
    {
        var op = Cases().Single(c => c.Name == name);
        const int large = 1024;
        var big = op.Inputs(large, new Random(1));
        var specs = big.Select(t => t.Spec).ToArray();
        var all = op.Run(big);
        foreach (int m in new[] { 16, 128, 1000 })
        {
            var small = op.Inputs(m, new Random(2));
            var smallSpecs = small.Select(t => t.Spec).ToArray();
            Assert.True(op.Op.TreatsRowsIndependently(smallSpecs, op.Batch, op.Op.InferOutput(smallSpecs)), $"{name} at {m} rows");
            foreach (int start in new[] { 0, 7, large - m })
            {
                // The batch's inputs: rows [start, start + m) of the large ones; the others unchanged.
                var inputs = big.Select((t, i) => op.Batch[i] ? Rows(t, start, m) : t).ToArray();
                AssertSameBits(Rows(all, start, m), op.Run(inputs));
            }
        }
        Assert.True(op.Op.TreatsRowsIndependently(specs, op.Batch, all.Spec));
    }

    [Fact]
    public void OpsRefuseWhatWouldMixRowsOrChangeTheirBits()
    {
        TensorSpec F(params int[] shape) => new(shape, DType.Float32);
        // A [rows, n] operand that is not the batch's pairs its rows with the batch's.
        Assert.False(AddOp.Instance.TreatsRowsIndependently([F(128, 8), F(128, 8)], [true, false], F(128, 8)));
        // A batch input broadcast along the batch axis.
        Assert.False(AddOp.Instance.TreatsRowsIndependently([F(1, 8), F(128, 8)], [true, true], F(128, 8)));
        Assert.False(MatMulOp.Plain.TreatsRowsIndependently([F(128, 64), F(64, 32)], [true, true], F(128, 32)));
        Assert.False(new MatMulOp(true, false).TreatsRowsIndependently([F(64, 128), F(64, 32)], [true, false], F(128, 32)));
        // A tiny product takes the direct loop, which sums in another order than the blocked GEMM of more rows.
        Assert.False(Gemm.IsBlocked(2, 4, 4));
        Assert.False(MatMulOp.Plain.TreatsRowsIndependently([F(2, 4), F(4, 4)], [true, false], F(2, 4)));
        // Softmax over the batch axis, or over a middle axis, mixes rows; a rank-1 input's last axis is the batch.
        Assert.False(new SoftmaxOp(0).TreatsRowsIndependently([F(128, 10)], [true], F(128, 10)));
        Assert.False(new SoftmaxOp(1).TreatsRowsIndependently([F(128, 10, 3)], [true], F(128, 10, 3)));
        Assert.False(new SoftmaxOp(-1).TreatsRowsIndependently([F(128)], [true], F(128)));
        // A sigmoid over fewer elements than a full vector may take narrower or scalar code than over more rows.
        Assert.False(SigmoidOp.Instance.TreatsRowsIndependently([F(2, 10)], [true], F(2, 10)));
        Assert.True(SigmoidOp.Instance.TreatsRowsIndependently([F(16, 10)], [true], F(16, 10)));
        // Ops that did not prove it keep the default.
        Assert.False(new LogSoftmaxOp(-1).TreatsRowsIndependently([F(128, 10)], [true], F(128, 10)));
        Assert.False(new MeanOp([0], true).TreatsRowsIndependently([F(128, 10)], [true], F(1, 10)));
    }

    private static Graph TraceAt(Func<Tensor, Tensor> function, int rows, int features)
        => TensorFunction.Trace(function).GetConcreteFunction(new TensorSpec([rows, features], DType.Float32)).Graph;

    [Fact]
    public void AnMlpGraphIsTheSameRowByRowAndGraphsThatMixRowsAreNot()
    {
        var w1 = new Variable(Uniform(new Random(3), 20, 32));
        var b1 = new Variable(Uniform(new Random(4), 32));
        var w2 = new Variable(Uniform(new Random(5), 32, 3));
        Tensor Mlp(Tensor x) => Ops.Add(Ops.MatMul(Ops.Relu(Ops.Add(Ops.MatMul(x, w1), b1)), w2), Ops.Mul(b1, b1)[..3]);
        Assert.True(RowIndependence.SameRowByRow(TraceAt(Mlp, 128, 20), TraceAt(Mlp, 1024, 20)));
        Assert.False(RowIndependence.SameRowByRow(TraceAt(Mlp, 1024, 20), TraceAt(Mlp, 128, 20))); // fewer rows

        // Each row centred by the batch's mean: row-dependent.
        Tensor Centred(Tensor x) => Ops.Sub(Ops.MatMul(x, w1), Ops.Mean(Ops.MatMul(x, w1), 0, keepDims: true));
        Assert.False(RowIndependence.SameRowByRow(TraceAt(Centred, 128, 20), TraceAt(Centred, 1024, 20)));
        // A constant made from the number of rows (its values differ between the traces).
        Tensor Scaled(Tensor x) => Ops.Mul(Ops.MatMul(x, w1), Tensor.From(new float[] { 1f / x.Shape[0] }, [1]));
        Assert.False(RowIndependence.SameRowByRow(TraceAt(Scaled, 128, 20), TraceAt(Scaled, 1024, 20)));
        // A random draw per run (dropout's mask).
        var seed = new SeedGenerator(3);
        Tensor Noisy(Tensor x) => Ops.Mul(Ops.MatMul(x, w1), seed.Uniform(Ops.MatMul(x, w1)));
        Assert.False(RowIndependence.SameRowByRow(TraceAt(Noisy, 128, 20), TraceAt(Noisy, 1024, 20)));
        // Softmax over the last axis, tanh and sigmoid treat rows alone; softmax over the batch axis does not.
        Tensor Probabilities(Tensor x) => Ops.Softmax(Ops.Sigmoid(Ops.Tanh(Ops.MatMul(x, w1))));
        Assert.True(RowIndependence.SameRowByRow(TraceAt(Probabilities, 128, 20), TraceAt(Probabilities, 1024, 20)));
        Tensor OverTheBatch(Tensor x) => Ops.Softmax(Ops.MatMul(x, w1), 0);
        Assert.False(RowIndependence.SameRowByRow(TraceAt(OverTheBatch, 128, 20), TraceAt(OverTheBatch, 1024, 20)));
    }

    private static Sequential Mlp(int features)
    {
        RandomGenerator.SetGlobalSeed(4);
        var model = new Sequential([new InputLayer(shape: [features]), new Dense(64, activation: "relu"), new Dense(48, activation: "relu"), new Dense(10)]);
        model.Compile(new Optimizers.Adam(), new Losses.MeanSquaredError());
        return model;
    }

    /// <summary>A callback of the user's: Predict then runs batch by batch, and it sees every batch.</summary>
    private sealed class BatchCounter : Callback
    {
        public List<int> Ends { get; } = [];
        public override void OnPredictBatchEnd(int batch, IDictionary<string, double> logs) => Ends.Add(batch);
    }

    [Theory]
    [InlineData(3000, 128)]
    [InlineData(1024, 128)]
    [InlineData(2000, 100)]
    [InlineData(1777, 32)]
    public void StackedPredictGivesTheBatchByBatchBits(int n, int batchSize)
    {
        var x = Uniform(new Random(n), n, 100);
        var model = Mlp(100);
        var counter = new BatchCounter();
        var byBatch = model.Predict(x, batchSize: batchSize, verbose: 0, callbacks: [counter]);
        Assert.Equal(Enumerable.Range(0, (n + batchSize - 1) / batchSize), counter.Ends);
        var trainer = Training.Trainer.Of(model);
        int traces = model.TraceCount;
        long runs = trainer.StackedRuns;
        var stacked = model.Predict(x, batchSize: batchSize, verbose: 0);
        AssertSameBits(byBatch, stacked);
        Assert.True(trainer.StackedRuns > runs, "Predict did not run stacked batches");
        Assert.Equal(traces, model.TraceCount); // the stacked plans are not the user's signatures
        AssertSameBits(byBatch, model.Predict(x, batchSize: batchSize, verbose: 0)); // plans reused
    }

    [Fact]
    public void TanhSigmoidSoftmaxAndInferenceBatchNormalizationPredictStacked()
    {
        RandomGenerator.SetGlobalSeed(6);
        var model = new Sequential([new InputLayer(shape: [100]), new Dense(64, activation: "tanh"), new BatchNormalization(),
            new Dense(48, activation: "sigmoid"), new Dense(10, activation: "softmax")]);
        model.Compile(new Optimizers.Adam(), new Losses.MeanSquaredError());
        var x = Uniform(new Random(12), 2100, 100);
        // A training step first, so the moving statistics are not their initial values.
        model.TrainOnBatch(x[..128], Uniform(new Random(13), 128, 10));
        var byBatch = model.Predict(x, batchSize: 128, verbose: 0, callbacks: [new BatchCounter()]);
        var trainer = Training.Trainer.Of(model);
        long runs = trainer.StackedRuns;
        AssertSameBits(byBatch, model.Predict(x, batchSize: 128, verbose: 0));
        Assert.True(trainer.StackedRuns > runs, "Predict did not run stacked batches");
    }

    /// <summary>A prediction step of the user's that changes the outputs: the check against the first batch sends Predict back to batch by batch.</summary>
    private sealed class DoublingModel : Sequential
    {
        public DoublingModel() : base([new InputLayer(shape: [100]), new Dense(64, activation: "relu"), new Dense(10)]) { }
        public int Calls { get; set; }
        public override Tensor PredictStep(Tensor x)
        {
            Calls++;
            return Ops.Mul(base.PredictStep(x), Tensor.From(new float[] { 2f }, [1]));
        }
    }

    [Fact]
    public void APredictStepOverrideStillSeesEveryBatch()
    {
        var x = Uniform(new Random(9), 1500, 100);
        var model = new DoublingModel();
        model.Compile(new Optimizers.SGD(), new Losses.MeanSquaredError());
        var counter = new BatchCounter();
        var expected = model.Predict(x, batchSize: 128, verbose: 0, callbacks: [counter]);
        model.Calls = 0;
        AssertSameBits(expected, model.Predict(x, batchSize: 128, verbose: 0));
        Assert.Equal(12, model.Calls);
        Assert.Equal(0, Training.Trainer.Of(model).StackedRuns); // the check of the first batch found the difference
    }

    [Fact]
    public void AModelThatIsNotProvenPredictsBatchByBatch()
    {
        RandomGenerator.SetGlobalSeed(5);
        var model = new Sequential([new InputLayer(shape: [30]), new Dense(40), new LayerNormalization(), new Dense(5, activation: "softmax")]);
        model.Compile(new Optimizers.SGD(), new Losses.MeanSquaredError());
        var x = Uniform(new Random(10), 1100, 30);
        var byBatch = model.Predict(x, batchSize: 64, verbose: 0, callbacks: [new BatchCounter()]);
        AssertSameBits(byBatch, model.Predict(x, batchSize: 64, verbose: 0));
    }
}
