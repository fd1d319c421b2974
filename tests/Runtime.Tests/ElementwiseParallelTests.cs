namespace LayerGen.Tests;

/// <summary>
/// Large floating-point elementwise ops split over the kernel pool's threads (Ops/Kernels/Elementwise.Parallel.cs) and
/// the per-thread block a repeated row is copied into (Elementwise.RepeatRows): every element is what one scalar
/// operation gives, wherever the chunks and blocks fall, the cached block follows a changed row, and a planned run
/// still allocates nothing. Sizes are above the split threshold (262,144 elements) and odd where it matters, so the
/// last chunk is partial.
/// </summary>
public class ElementwiseParallelTests
{
    private const int Rows = 1031, Cols = 300; // 309,300 elements: split, a partial last chunk

    private static float[] Data(int n, int seed) => new RandomGenerator(seed).Normal([n]).ToArray<float>();

    private static void AssertBits(float[] expected, Tensor actual)
    {
        var got = actual.ToArray<float>();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(got[i]))
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {got[i]:R}");
        }
    }

    [Fact]
    public void SplitBinaryAndUnaryOpsGiveTheScalarResultForEveryElement()
    {
        var xs = Data(Rows * Cols, 1);
        var ys = Data(Rows * Cols, 2);
        var x = Tensor.From(xs, [Rows, Cols]);
        var y = Tensor.From(ys, [Rows, Cols]);
        AssertBits(xs.Zip(ys, (a, b) => a + b).ToArray(), x + y);
        AssertBits(xs.Zip(ys, (a, b) => a * b).ToArray(), x * y);
        AssertBits(xs.Zip(ys, (a, b) => a - b).ToArray(), x - y);
        AssertBits(xs.Zip(ys, MathF.Max).ToArray(), Ops.Maximum(x, y));
        AssertBits(xs.Select(a => MathF.Max(a, 0f)).ToArray(), Ops.Relu(x));
        AssertBits(xs.Select(a => a + 2.5f).ToArray(), x + Tensor.Scalar(2.5f));
        AssertBits(xs.Select(a => 2.5f - a).ToArray(), Tensor.Scalar(2.5f) - x);
        Assert.Equal(xs.Zip(ys, (a, b) => a > b).ToArray(), Ops.Greater(x, y).ToArray<bool>());
    }

    [Fact]
    public void SplitFloat64AndUnsplitInt32OpsAreExact()
    {
        var xd = new RandomGenerator(3).Normal([Rows, Cols], dtype: DType.Float64);
        var yd = new RandomGenerator(4).Normal([Rows, Cols], dtype: DType.Float64);
        var a = xd.ToArray<double>();
        var b = yd.ToArray<double>();
        Assert.Equal(a.Zip(b, (p, q) => p * q).ToArray(), (xd * yd).ToArray<double>());
        var xi = Tensor.From(Enumerable.Range(0, Rows * Cols).ToArray(), [Rows, Cols]);
        Assert.Equal(Enumerable.Range(0, Rows * Cols).Select(i => i + i).ToArray(), (xi + xi).ToArray<int>());
    }

    [Fact]
    public void AnOpOfThousandsOfElementsComputesEachAsItsOwnSliceDoes()
    {
        // Transcendental kernels are not exactly rounded: the split must still give each element the bits the same
        // vectorised kernel gives it in a short run.
        var xs = Data(Rows * Cols, 5);
        var whole = Ops.Exp(Tensor.From(xs, [Rows, Cols])).ToArray<float>();
        for (int start = 0; start < xs.Length; start += 1024 * 37)
        {
            int len = Math.Min(1024, xs.Length - start);
            var part = Ops.Exp(Tensor.From(xs.AsSpan(start, len).ToArray(), [len])).ToArray<float>();
            Assert.Equal(part, whole.AsSpan(start, len).ToArray());
        }
    }

    [Fact]
    public void RowsRepeatedOnEitherSideMatchTheScalarResult()
    {
        var xs = Data(Rows * Cols, 6);
        var rs = Data(Cols, 7);
        var x = Tensor.From(xs, [Rows, Cols]);
        var row = Tensor.From(rs, [Cols]);
        AssertBits(xs.Select((a, i) => a + rs[i % Cols]).ToArray(), x + row);
        AssertBits(xs.Select((a, i) => rs[i % Cols] - a).ToArray(), row - x);
        // A column ([Rows, 1]) is not a trailing row: the general broadcast path.
        var cs = Data(Rows, 8);
        AssertBits(xs.Select((a, i) => a * cs[i / Cols]).ToArray(), x * Tensor.From(cs, [Rows, 1]));
    }

    [Fact]
    public void TheRepeatedRowBlockFollowsAChangedRowOfTheSameLength()
    {
        // 1024 × 1024 puts whole chunks on the large per-thread block, which is reused while the row's bits are the
        // same: +0 and -0 compare equal as numbers, so only a bitwise check tells them apart (1 / ±0 = ±∞).
        var ones = Tensor.Ones([1024, 1024]);
        var plusZero = Tensor.Zeros([1024]);
        var minusZero = Tensor.Full([1024], -0f);
        Assert.All(Ops.Div(ones, plusZero).ToArray<float>(), v => Assert.Equal(float.PositiveInfinity, v));
        Assert.All(Ops.Div(ones, minusZero).ToArray<float>(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(Ops.Div(ones, plusZero).ToArray<float>(), v => Assert.Equal(float.PositiveInfinity, v));
        var first = Data(1024, 9);
        var second = (float[])first.Clone();
        second[1023] += 1f; // the same first elements, a different last one
        var xs = Data(1024 * 1024, 10);
        var x = Tensor.From(xs, [1024, 1024]);
        AssertBits(xs.Select((a, i) => a + first[i % 1024]).ToArray(), x + Tensor.From(first, [1024]));
        AssertBits(xs.Select((a, i) => a + second[i % 1024]).ToArray(), x + Tensor.From(second, [1024]));
        // A shorter row next: the block holds repeats of the 1024-long row, not of this one.
        var shortRow = Data(512, 11);
        var y = Tensor.From(xs, [2048, 512]);
        AssertBits(xs.Select((a, i) => a + shortRow[i % 512]).ToArray(), y + Tensor.From(shortRow, [512]));
    }

    [Fact]
    public void APlannedSplitOpAllocatesNothingOnceWarm()
    {
        var x = new RandomGenerator(12).Normal([Rows, Cols]);
        var row = new RandomGenerator(13).Normal([Cols]);
        var plan = TensorFunction.Trace(xs => [Ops.Relu(xs[0] + xs[1]) * xs[0]], 2).Plan(x.Spec, row.Spec);
        for (int i = 0; i < 3; i++) plan.RunAll(x, row);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) plan.RunAll(x, row);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var xs = x.ToArray<float>();
        var rs = row.ToArray<float>();
        AssertBits(xs.Select((a, i) => MathF.Max(a + rs[i % Cols], 0f) * a).ToArray(), plan.RunAll(x, row)[0]);
    }
}
