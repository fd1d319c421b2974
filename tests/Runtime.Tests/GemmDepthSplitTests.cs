using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// <see cref="Gemm.SgemmDepthSplit"/>, the GEMM cut over its depth for weight gradients (<c>x^T dy</c> over
/// batch×steps rows): against a float64 reference and the plain strided GEMM, the same bits for every thread count,
/// and the Einsum and MatMul gradients that take it.
/// </summary>
public class GemmDepthSplitTests
{
    private static float[] Random(Random r, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    public static TheoryData<int, int, int, bool, bool> Sizes() => new()
    {
        { 40, 24, 2048, true, false },   // two parts, A transposed (the weight-gradient layout)
        { 33, 70, 3001, true, false },   // odd sizes, a last part of another length, partial tiles
        { 17, 9, 8500, true, true },     // eight parts (the most), both transposed
        { 64, 48, 4096, false, false },  // row-major A
        { 20, 31, 2100, false, true },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesTheReferenceAndEveryThreadCountGivesTheSameBits(int m, int n, int k, bool ta, bool tb)
    {
        var r = new Random(m * 7919 + n * 31 + k);
        var a = Random(r, m * k);
        var b = Random(r, k * n);
        int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 3; // C strided: a wider row than n
        var split = new float[m * ldc];
        var plain = new float[m * ldc];
        var other = new float[m * ldc];
        Array.Fill(split, float.NaN); // overwritten, not accumulated
        Gemm.SgemmDepthSplit(a, lda, ta, b, ldb, tb, split, ldc, m, n, k, threads: 2);
        Gemm.SgemmDepthSplit(a, lda, ta, b, ldb, tb, other, ldc, m, n, k, threads: 1);
        // The plain GEMM (C row-major n wide), spread into the strided layout to compare.
        var dense = new float[m * n];
        Gemm.Sgemm(a, ta, b, tb, dense, m, n, k);
        for (int i = 0; i < m; i++) Array.Copy(dense, i * n, plain, i * ldc, n);
        Assert.True(Gemm.DepthParts(k) >= 2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double v = (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                    exact += v;
                    scale += Math.Abs(v);
                }
                float s = split[i * ldc + j];
                Assert.Equal(BitConverter.SingleToInt32Bits(s), BitConverter.SingleToInt32Bits(other[i * ldc + j]));
                // float32 sums over depth k: within k·2⁻²⁴ of the sum of magnitudes; the plain GEMM the same.
                double tol = 4 * k * Math.Pow(2, -24) * scale + 1e-6;
                Assert.True(Math.Abs(s - exact) <= tol, $"({i},{j}) split {s} exact {exact} tol {tol}");
                Assert.True(Math.Abs(s - plain[i * ldc + j]) <= 2 * tol, $"({i},{j}) split {s} plain {plain[i * ldc + j]}");
            }
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++) Assert.True(float.IsNaN(split[i * ldc + j]), "wrote past n in a strided row");
    }

    [Fact]
    public void ChoosesTheSplitOnlyForDeepTransposedProducts()
    {
        Assert.True(Gemm.PrefersDepthSplit(256, 256, 4096, transposeA: true));    // MHA's weight gradients
        Assert.True(Gemm.PrefersDepthSplit(256, 1024, 4096, transposeA: true));   // the encoder's Dense(1024) kernel gradient
        Assert.False(Gemm.PrefersDepthSplit(256, 256, 4096, transposeA: false));  // row-major A is read in place
        Assert.False(Gemm.PrefersDepthSplit(4096, 256, 256, transposeA: true));   // shallow
        Assert.False(Gemm.PrefersDepthSplit(784, 256, 128, transposeA: true));    // an MLP's gradient at batch 128
        Assert.Equal(1, Gemm.DepthParts(1500));
        Assert.Equal(4, Gemm.DepthParts(4096));
        Assert.Equal(8, Gemm.DepthParts(100_000));
    }

    [Fact]
    public void EinsumWeightGradientTakesTheSplitAndMatchesTheDirectSum()
    {
        // abde,abc->cde: the kernel gradient of EinsumDense abc,cde->abde over (batch 4, steps 600): depth 2400.
        var g = new RandomGenerator(5).Normal([4, 600, 4, 8]);
        var x = new RandomGenerator(6).Normal([4, 600, 40]);
        var got = Ops.Einsum("abde,abc->cde", g, x).ToArray<float>();
        var gd = Ops.Cast(g, DType.Float64).ToArray<double>();
        var xd = Ops.Cast(x, DType.Float64).ToArray<double>();
        for (int c = 0; c < 40; c++)
            for (int de = 0; de < 32; de++)
            {
                double s = 0, mag = 0;
                for (int ab = 0; ab < 2400; ab++) { double v = gd[ab * 32 + de] * xd[ab * 40 + c]; s += v; mag += Math.Abs(v); }
                Assert.True(Math.Abs(got[c * 32 + de] - s) <= 4 * 2400 * Math.Pow(2, -24) * mag + 1e-5, $"({c},{de}) {got[c * 32 + de]} vs {s}");
            }
    }

    [Fact]
    public void DenseOnASequenceKernelGradientIsOneDeepProduct()
    {
        // MatMul of (batch, steps, features) by a matrix: the weight's gradient against the per-batch sum it replaced.
        var a = new RandomGenerator(7).Normal([3, 700, 24]);
        var w = new RandomGenerator(8).Normal([24, 20]);
        using var tape = new GradientTape();
        tape.Watch(w);
        var y = Ops.Sum(Ops.Square(Ops.MatMul(a, w)));
        var dw = tape.Gradient(y, [w])[0]!;
        Assert.Equal(w.Shape, dw.Shape);
        var g = Ops.Mul(Ops.MatMul(a, w), Tensor.Scalar(2.0, DType.Float32));
        var expected = Ops.Sum(Ops.MatMul(a, g, transposeA: true), [0]);
        var e = expected.ToArray<float>();
        var d = dw.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - d[i]) <= 1e-3 * (1 + Math.Abs(e[i])), $"{i}: {d[i]} vs {e[i]}");
    }
}
