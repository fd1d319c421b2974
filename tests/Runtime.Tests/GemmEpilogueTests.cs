using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// The dense epilogue inside the GEMM (<see cref="Gemm.SgemmBias(ReadOnlySpan{float}, bool, PackedMatrix, Span{float}, int, int, ReadOnlySpan{float}, bool)"/>):
/// bitwise the product followed by <see cref="BiasActivation.Apply"/>, for packed and per-product B, partial tiles,
/// several depth blocks, narrow products, the direct loop, one and two threads, and values at ReLU's edges (negative,
/// -0, +0, NaN).
/// </summary>
public class GemmEpilogueTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 128, 256, 784 }, { 128, 256, 256 }, { 128, 10, 256 }, { 1024, 10, 256 }, // the MLP's dense layers
        { 13, 17, 19 }, { 145, 67, 513 }, { 20, 40, 1100 }, { 13, 1100, 70 },      // partial tiles, depth and column blocks
        { 3, 5, 7 }, { 1, 1, 1 },                                                  // the direct loop
    };

    private static float[] Random(Random r, int n, double zeros = 0)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.NextDouble() < zeros ? 0f : (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void BiasAndReluInsideTheGemmGiveTheBitsOfTheSeparatePass(int m, int n, int k)
    {
        var r = new Random(m * 7919 + n * 31 + k);
        // A with whole zero rows (then C is exactly 0 before the bias) and B with zeros, so sums of exactly 0 and -0 occur.
        var a = Random(r, m * k, zeros: 0.02);
        for (int j = 0; j < k; j++) a[j] = 0f;
        var b = Random(r, k * n);
        var bias = Random(r, n);
        bias[0] = 0f;
        if (n > 1) bias[1] = -0f;
        if (n > 2) bias[2] = float.NaN;
        foreach (bool relu in new[] { false, true })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    var aOp = ta ? Transpose(a, m, k) : a;
                    var bOp = tb ? Transpose(b, k, n) : b;
                    var expected = new float[m * n];
                    Gemm.Sgemm(aOp, ta, bOp, tb, expected, m, n, k);
                    BiasActivation.Apply(expected, m, bias, relu ? FusedActivation.Relu : FusedActivation.None);

                    var perProduct = new float[m * n];
                    Gemm.SgemmBias(aOp, ta, bOp, tb, perProduct, m, n, k, bias, relu);
                    AssertSameBits(expected, perProduct, $"per-product B, relu {relu}, ta {ta}, tb {tb}");

                    if (!Gemm.IsBlocked(m, n, k)) continue; // packed B serves blocked products only
                    var packed = Gemm.PackB(bOp, tb, k, n);
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var fused = new float[m * n];
                        Gemm.SgemmBias(aOp, ta, packed, fused, m, threads, bias, relu);
                        AssertSameBits(expected, fused, $"packed B, {threads} threads, relu {relu}, ta {ta}, tb {tb}");
                    }
                }
    }

    [Fact]
    public void ReluKeepsNaNAndTurnsNegativeZeroIntoPositiveZero()
    {
        // One row, depth 1 (the direct loop) and a blocked product: c = a·b = -0 (a = -0, b = 1) and NaN.
        foreach (var (m, n, k) in new[] { (1, 3, 1), (40, 48, 64) })
        {
            var a = new float[m * k];
            var b = new float[k * n];
            Array.Fill(b, 1f);
            a[0] = -0f;
            var bias = new float[n];
            bias[0] = -0f;           // -0 + -0 = -0: ReLU gives +0
            bias[1] = float.NaN;     // NaN stays NaN
            bias[2] = -1e-30f;       // negative: 0
            var c = new float[m * n];
            Gemm.SgemmBias(a, false, b, false, c, m, n, k, bias, relu: true);
            Assert.Equal(0, BitConverter.SingleToInt32Bits(c[0]));
            Assert.True(float.IsNaN(c[1]));
            Assert.Equal(0, BitConverter.SingleToInt32Bits(c[2]));
            var expected = new float[m * n];
            Gemm.Sgemm(a, false, b, false, expected, m, n, k);
            BiasActivation.Apply(expected, m, bias, FusedActivation.Relu);
            AssertSameBits(expected, c, $"{m}x{n}x{k}");
        }
    }

    [Fact]
    public void ABiasOfTheWrongLengthIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBias(new float[6], false, new float[6], false, new float[4], 2, 2, 3, new float[3], relu: false));
        Assert.Contains("buffers", e.Message);
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        Gemm.Transpose<float>(x, rows, cols, t);
        return t;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
