using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>The float32 GEMM against a float64 reference: odd and prime sizes, every transpose combination, each kernel, 1 and 2 threads, batching.</summary>
public class GemmTests
{
    private static float[] Random(Random r, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>op(A) @ op(B) in float64. A is [m,k] or [k,m]; B is [k,n] or [n,k].</summary>
    private static double[] Reference(float[] a, bool ta, float[] b, bool tb, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    private static void AssertClose(double[] expected, float[] actual, int k, string what)
    {
        double tol = 1e-5 * Math.Max(1, k);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 3, 1, 5 }, { 2, 3, 1 }, { 13, 17, 19 }, { 7, 31, 33 }, { 8, 32, 256 },
        { 9, 33, 257 }, { 12, 16, 255 }, { 6, 48, 100 }, { 31, 29, 37 }, { 65, 97, 300 }, { 145, 67, 513 },
        { 127, 129, 131 }, { 200, 5, 61 }, { 3, 300, 70 }, { 257, 263, 269 },
        { 128, 10, 256 }, { 47, 13, 300 }, // narrow products: the 16×16 AVX-512 tile, one and two threads
        { 20, 40, 1100 }, { 13, 1100, 70 }, // three depth blocks; two column blocks (NC = 1024)
        { 64, 70, 1 }, { 1, 4100, 3 },      // depth 1 and a single row through the blocked GEMM (degenerate strides)
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AllTransposesKernelsAndThreadCounts(int m, int n, int k)
    {
        var r = new Random(m * 10007 + n * 101 + k);
        var a = Random(r, m * k);
        var b = Random(r, k * n);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var expected = Reference(a, ta, b, tb, m, n, k);
                foreach (var kernel in new[] { GemmKernel.Scalar, GemmKernel.Avx2, GemmKernel.Avx512 })
                {
                    var c1 = new float[m * n];
                    var c2 = Enumerable.Repeat(float.NaN, m * n).ToArray(); // output is overwritten, not accumulated
                    Gemm.Sgemm(a, ta, b, tb, c1, m, n, k, 1, kernel);
                    Gemm.Sgemm(a, ta, b, tb, c2, m, n, k, 2, kernel);
                    AssertClose(expected, c1, k, $"{m}x{n}x{k} ta={ta} tb={tb} {kernel} 1 thread");
                    for (int i = 0; i < c1.Length; i++)
                        Assert.True(Math.Abs(c1[i] - c2[i]) <= 1e-5 * Math.Max(1, Math.Abs(c1[i])), $"{kernel}: 1 vs 2 threads differ at {i}: {c1[i]} vs {c2[i]}");
                }
            }
    }

    [Theory]
    [InlineData(128, 256, 784)] // the MLP's first dense layer at batch 128: column chunks
    [InlineData(128, 10, 256)]  // its output layer: row chunks (one 16-wide panel)
    [InlineData(300, 70, 513)]  // rows and columns both cut, partial tiles, two depth blocks
    [InlineData(37, 1100, 45)]  // two column blocks (NC = 1024)
    [InlineData(784, 256, 128)] // the first layer's weight gradient Xᵀ·dY (transposed A): rows and columns cut (least packing again)
    [InlineData(256, 256, 128)] // the second layer's weight gradient
    [InlineData(130, 640, 1024)] // row-major A packed by wide chunks (one thread: 20 panels), read in place by narrow ones (8 threads)
    public void EveryThreadCountGivesTheSameBits(int m, int n, int k)
    {
        // The product is cut into chunks per thread count, taken by whichever thread is free: every element must still
        // be one micro-kernel's sum in the same order, packed ahead or not, transposed or not.
        var r = new Random(m + 7 * n + 13 * k);
        var a = Random(r, m * k);
        var b = Random(r, k * n);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var one = new float[m * n];
                Gemm.Sgemm(a, ta, b, tb, one, m, n, k, 1, Gemm.Best);
                var packed = Gemm.PackB(b, tb, k, n);
                foreach (int threads in new[] { 2, 3, 8 })
                {
                    var got = Enumerable.Repeat(float.NaN, m * n).ToArray();
                    Gemm.Sgemm(a, ta, b, tb, got, m, n, k, threads, Gemm.Best);
                    Assert.Equal(one, got);
                    got.AsSpan().Fill(float.NaN);
                    Gemm.Sgemm(a, ta, packed, got, m, threads);
                    Assert.Equal(one, got);
                }
            }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void PackedWeightsGiveTheSameBitsAsPackingPerProduct(int m, int n, int k)
    {
        var r = new Random(m * 31 + n * 17 + k);
        var a = Random(r, m * k);
        var b = Random(r, k * n);
        foreach (bool tb in new[] { false, true })
        {
            var packed = Gemm.PackB(b, tb, k, n);
            Assert.Equal((k, n), (packed.K, packed.N));
            foreach (bool ta in new[] { false, true })
                foreach (int threads in new[] { 1, 2 })
                {
                    var expected = new float[m * n];
                    var got = Enumerable.Repeat(float.NaN, m * n).ToArray();
                    Gemm.Sgemm(a, ta, b, tb, expected, m, n, k, threads, Gemm.Best);
                    Gemm.Sgemm(a, ta, packed, got, m, threads);
                    AssertClose(Reference(a, ta, b, tb, m, n, k), got, k, $"{m}x{n}x{k} ta={ta} tb={tb} packed, {threads} thread(s)");
                    // Products large enough for the blocked GEMM sum in the same order with or without packing ahead.
                    if (Gemm.IsBlocked(m, n, k)) Assert.Equal(expected, got);
                }
        }
    }

    [Fact]
    public void RepackingReusesTheBufferAndTakesTheNewValues()
    {
        int m = 37, n = 70, k = 45;
        var r = new Random(2);
        var a = Random(r, m * k);
        var b1 = Random(r, k * n);
        var b2 = Random(r, k * n);
        var packed = Gemm.PackB(b1, false, k, n);
        Assert.Same(packed, Gemm.PackB(b2, false, k, n, packed));
        var got = new float[m * n];
        Gemm.Sgemm(a, false, packed, got, m, 2);
        AssertClose(Reference(a, false, b2, false, m, n, k), got, k, "after repacking");
        // Another shape needs another buffer.
        Assert.NotSame(packed, Gemm.PackB(b2, false, n, k, packed));
    }

    [Fact]
    public void PackedWeightsRejectBuffersThatAreTooSmall()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.PackB(new float[10], false, 3, 4));
        Assert.Contains("3×4", e.Message);
        Assert.Contains("10", e.Message);
        var packed = Gemm.PackB(new float[12], false, 3, 4);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(new float[5], false, packed, new float[8], 2, 1));
        Assert.Contains("2×3", e.Message);
    }

    [Fact]
    public void LargeParallelProductMatchesSingleThread()
    {
        int m = 301, n = 517, k = 263; // above the parallel threshold, prime-ish, off every tile
        var r = new Random(5);
        var a = Random(r, m * k);
        var b = Random(r, k * n);
        var expected = Reference(a, false, b, true, m, n, k);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        Gemm.Sgemm(a, false, b, true, c1, m, n, k, 1, Gemm.Best);
        Gemm.Sgemm(a, false, b, true, c2, m, n, k, 2, Gemm.Best);
        AssertClose(expected, c1, k, "1 thread");
        Assert.Equal(c1, c2);
        // Few rows, many columns: the column-panel split.
        m = 5; n = 4099; k = 300;
        a = Random(r, m * k);
        b = Random(r, k * n);
        expected = Reference(a, true, b, false, m, n, k);
        c1 = new float[m * n];
        c2 = new float[m * n];
        Gemm.Sgemm(a, true, b, false, c1, m, n, k, 1, Gemm.Best);
        Gemm.Sgemm(a, true, b, false, c2, m, n, k, 2, Gemm.Best);
        AssertClose(expected, c1, k, "column split");
        Assert.Equal(c1, c2);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void BatchedWithBroadcastingThroughOps(bool ta, bool tb)
    {
        int m = 19, n = 23, k = 17;
        var r = new Random(9);
        // a: [3, 1, m, k] broadcast against b: [4, k, n] -> [3, 4, m, n]
        var av = Random(r, 3 * m * k);
        var bv = Random(r, 4 * k * n);
        var a = Tensor.From<float>(av, ta ? [3, 1, k, m] : [3, 1, m, k]);
        var b = Tensor.From<float>(bv, tb ? [4, n, k] : [4, k, n]);
        var c = Ops.MatMul(a, b, ta, tb);
        Assert.Equal(new Shape(3, 4, m, n), c.Shape);
        var got = c.ToArray<float>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
            {
                var expected = Reference(av[(i * m * k)..((i + 1) * m * k)], ta, bv[(j * k * n)..((j + 1) * k * n)], tb, m, n, k);
                AssertClose(expected, got[((i * 4 + j) * m * n)..((i * 4 + j + 1) * m * n)], k, $"batch {i},{j}");
            }
    }

    [Fact]
    public void ManySmallBatchedProductsSpreadOverThreads()
    {
        int batch = 64, m = 33, n = 35, k = 37; // small each, large in total: the batch-parallel path
        var r = new Random(11);
        var av = Random(r, batch * m * k);
        var bv = Random(r, batch * k * n);
        var got = Ops.MatMul(Tensor.From<float>(av, [batch, m, k]), Tensor.From<float>(bv, [batch, k, n])).ToArray<float>();
        for (int i = 0; i < batch; i++)
        {
            var expected = Reference(av[(i * m * k)..((i + 1) * m * k)], false, bv[(i * k * n)..((i + 1) * k * n)], false, m, n, k);
            var single = new float[m * n];
            Gemm.Sgemm(av.AsSpan(i * m * k, m * k), false, bv.AsSpan(i * k * n, k * n), false, single, m, n, k, 1, Gemm.Best);
            AssertClose(expected, got[(i * m * n)..((i + 1) * m * n)], k, $"batch {i}");
            Assert.Equal(single, got[(i * m * n)..((i + 1) * m * n)]);
        }
    }

    [Fact]
    public void ZeroDepthGivesZeros()
    {
        var c = Enumerable.Repeat(5f, 6).ToArray();
        Gemm.Sgemm([], false, [], false, c, 2, 3, 0, 2, Gemm.Best);
        Assert.All(c, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Float64StillMatchesReference()
    {
        var r = new Random(3);
        int m = 7, n = 9, k = 11;
        var av = Random(r, m * k);
        var bv = Random(r, k * n);
        var a = Ops.Cast(Tensor.From<float>(av, [m, k]), DType.Float64);
        var b = Ops.Cast(Tensor.From<float>(bv, [n, k]), DType.Float64);
        var got = Ops.MatMul(a, b, transposeB: true).ToArray<double>();
        var expected = Reference(av, false, bv, true, m, n, k);
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 1e-12);
    }
}
