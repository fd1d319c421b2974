using System.Runtime.Intrinsics.X86;
using LayerGen.Graphs;
using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// The Winograd F(2×2, 3×3) path of float32 3×3 stride-1 convolutions (<see cref="ConvWinograd"/>): forward and input
/// gradient against float64 sums from the definition, the fused bias and activation equal to the unfused ops bit for bit,
/// and the same bits for any thread count or slice of the batch.
/// </summary>
public unsafe class ConvWinogradTests
{
    private static float[] Rand(int seed, int count)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    /// <summary>y[n, oh, ow, co] = Σ x[n, oh + kh − ph, ow + kw − pw, ci] · w[kh, kw, ci, co], in float64.</summary>
    private static double[] Reference(float[] x, float[] w, int n, int h, int wd, int cin, int cout, int ph, int pw, int oh, int ow)
    {
        var y = new double[n * oh * ow * cout];
        foreach (var (yRow, xRow, tap) in Taps(n, h, wd, ph, pw, oh, ow))
            for (int ci = 0; ci < cin; ci++)
            {
                double xv = x[xRow * cin + ci];
                for (int co = 0; co < cout; co++) y[yRow * cout + co] += xv * w[(tap * cin + ci) * cout + co];
            }
        return y;
    }

    /// <summary>The adjoint of <see cref="Reference"/> in x, in float64.</summary>
    private static double[] ReferenceInputGradient(float[] dy, float[] w, int n, int h, int wd, int cin, int cout, int ph, int pw, int oh, int ow)
    {
        var dx = new double[n * h * wd * cin];
        foreach (var (yRow, xRow, tap) in Taps(n, h, wd, ph, pw, oh, ow))
            for (int ci = 0; ci < cin; ci++)
            {
                double sum = 0;
                for (int co = 0; co < cout; co++) sum += (double)dy[yRow * cout + co] * w[(tap * cin + ci) * cout + co];
                dx[xRow * cin + ci] += sum;
            }
        return dx;
    }

    /// <summary>The adjoint of <see cref="Reference"/> in w, in float64, and each value's sum of |terms| (<paramref name="magnitude"/>).</summary>
    private static double[] ReferenceFilterGradient(float[] x, float[] dy, int n, int h, int wd, int cin, int cout, int ph, int pw, int oh, int ow, out double[] magnitude)
    {
        var dw = new double[9 * cin * cout];
        magnitude = new double[dw.Length];
        foreach (var (yRow, xRow, tap) in Taps(n, h, wd, ph, pw, oh, ow))
            for (int ci = 0; ci < cin; ci++)
            {
                double xv = x[xRow * cin + ci];
                for (int co = 0; co < cout; co++)
                {
                    double term = xv * dy[yRow * cout + co];
                    dw[(tap * cin + ci) * cout + co] += term;
                    magnitude[(tap * cin + ci) * cout + co] += Math.Abs(term);
                }
            }
        return dw;
    }

    /// <summary>
    /// Every (output position, input position, 3×3 tap) of the convolution that reads inside the input, in the order
    /// image, output row, output column, tap: the flat output row <c>(b·oh + i)·ow + j</c>, the flat input row
    /// <c>(b·h + ih)·wd + iw</c> and the tap <c>kh·3 + kw</c> the three references above walk.
    /// </summary>
    private static IEnumerable<(int YRow, int XRow, int Tap)> Taps(int n, int h, int wd, int ph, int pw, int oh, int ow)
    {
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int kh = 0; kh < 3; kh++)
                        for (int kw = 0; kw < 3; kw++)
                        {
                            int ih = i + kh - ph, iw = j + kw - pw;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < wd) yield return ((b * oh + i) * ow + j, (b * h + ih) * wd + iw, kh * 3 + kw);
                        }
    }

    /// <summary>The ConvFilterGrad op (what planned and eager gradients run) of a 3×3, stride-1 convolution.</summary>
    private static float[] FilterGrad(float[] x, float[] dy, int n, int h, int wd, int cin, int oh, int ow, int cout, int[] pads)
        => OpRunner.Run(new ConvFilterGradOp([3, 3], [1, 1], pads, [1, 1], 1),
            Tensor.From<float>(x, new Shape(n, h, wd, cin)), Tensor.From<float>(dy, new Shape(n, oh, ow, cout))).ToArray<float>();

    /// <summary>
    /// Each value within 2e-5 of the reference (relative above 1) or, for long sums that cancel, within 2e-7 of the sum of
    /// the magnitudes of its terms (float32 round-off of a sum of thousands of terms; a wrong index or sign is off by O(1)).
    /// </summary>
    private static void CloseToSum(double[] expected, double[] magnitude, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= 2e-5 * (1 + Math.Abs(expected[i])) || error <= 2e-7 * magnitude[i], $"[{i}]: expected {expected[i]} (sum of magnitudes {magnitude[i]}), got {actual[i]}");
        }
    }

    private static void Close(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    // The convnet's second convolution (odd 11×11 output: half tiles), "same" on odd sizes, a full pad of 2 with 64 → 96 channels, uneven pads (the input gradient needs Cin a multiple of 32 too).
    [InlineData(3, 13, 13, 32, 64, 0, 0, 0, 0)]
    [InlineData(2, 9, 7, 32, 32, 1, 1, 1, 1)]
    [InlineData(2, 6, 5, 64, 96, 2, 2, 2, 2)]
    [InlineData(1, 8, 10, 32, 64, 1, 0, 1, 2)]
    public void ForwardAndInputGradientMatchFloat64Sums(int n, int h, int wd, int cin, int cout, int pt, int pl, int pb, int pr)
    {
        int oh = h + pt + pb - 2, ow = wd + pl + pr - 2;
        var s = new ConvShape(n, [h, wd], cin, [oh, ow], cout, [3, 3], [1, 1], [pt, pl], [1, 1], 1);
        // Without AVX-512 the GEMM path runs and the sums are checked all the same.
        Assert.Equal(Avx512F.IsSupported, ConvWinograd.Fits(s));
        Assert.Equal(Avx512F.IsSupported, ConvWinograd.FitsInputGradient(s));
        var x = Rand(1, n * h * wd * cin);
        var w = Rand(2, 9 * cin * cout);
        var dy = Rand(3, n * oh * ow * cout);
        int[] pads = [pt, pl, pb, pr], ones = [1, 1];
        var y = Ops.Conv(Tensor.From<float>(x, new Shape(n, h, wd, cin)), Tensor.From<float>(w, new Shape(3, 3, cin, cout)), ones, pads, ones);
        Close(Reference(x, w, n, h, wd, cin, cout, pt, pl, oh, ow), y.ToArray<float>(), 2e-5);
        var dx = Ops.ConvTranspose(Tensor.From<float>(dy, new Shape(n, oh, ow, cout)), Tensor.From<float>(w, new Shape(3, 3, cin, cout)), [h, wd], ones, pads, ones);
        Close(ReferenceInputGradient(dy, w, n, h, wd, cin, cout, pt, pl, oh, ow), dx.ToArray<float>(), 2e-5);
        var dw = FilterGrad(x, dy, n, h, wd, cin, oh, ow, cout, pads);
        CloseToSum(ReferenceFilterGradient(x, dy, n, h, wd, cin, cout, pt, pl, oh, ow, out var magnitude), magnitude, dw);
    }

    [Theory]
    // The convnet's shape (half tiles at the bottom and right), padding 1 and uneven pads (tiles overhanging the input).
    [InlineData(5, 13, 13, 32, 64, 0, 0, 0, 0)]
    [InlineData(3, 9, 7, 64, 32, 1, 1, 1, 1)]
    [InlineData(2, 8, 10, 32, 64, 1, 0, 1, 2)]
    public void TransposedInputGradientIsTheSameForAnyThreadCount(int n, int h, int wd, int cin, int cout, int pt, int pl, int pb, int pr)
    {
        if (!Avx512F.IsSupported) return;
        int oh = h + pt + pb - 2, ow = wd + pl + pr - 2;
        var s = new ConvShape(n, [h, wd], cin, [oh, ow], cout, [3, 3], [1, 1], [pt, pl], [1, 1], 1);
        Assert.True(ConvWinograd.FitsTransposedInputGradient(s));
        var w = Rand(9, 9 * cin * cout);
        var dy = Rand(10, n * oh * ow * cout);
        int[] ones = [1, 1];
        var op = Ops.ConvTranspose(Tensor.From<float>(dy, new Shape(n, oh, ow, cout)), Tensor.From<float>(w, new Shape(3, 3, cin, cout)), [h, wd], ones, [pt, pl, pb, pr], ones).ToArray<float>();
        Close(ReferenceInputGradient(dy, w, n, h, wd, cin, cout, pt, pl, oh, ow), op, 2e-5);
        var one = new float[op.Length];
        var four = new float[op.Length];
        one.AsSpan().Fill(float.NaN);
        four.AsSpan().Fill(float.NaN);
        fixed (float* pdy = dy, pw = w, p1 = one, p4 = four)
        {
            ConvWinograd.InputGradient(pdy, pw, p1, s, threads: 1);
            ConvWinograd.InputGradient(pdy, pw, p4, s, threads: 4);
        }
        Assert.Equal(op, one);
        Assert.Equal(one, four);
    }

    [Theory]
    // 4 groups of tiles (the convnet's shape at batch 60), 2 groups with half tiles and padding, 1 group, 16 input channels (blocks of 8 rows).
    [InlineData(60, 13, 13, 32, 64, 0, 0)]
    [InlineData(30, 9, 7, 32, 32, 1, 1)]
    [InlineData(5, 13, 13, 16, 32, 0, 2)]
    [InlineData(3, 10, 10, 48, 96, 2, 1)]
    public void FilterGradientMatchesFloat64SumsWithAnyThreadCount(int n, int h, int wd, int cin, int cout, int ph, int pw)
    {
        int oh = h + 2 * ph - 2, ow = wd + 2 * pw - 2;
        var s = new ConvShape(n, [h, wd], cin, [oh, ow], cout, [3, 3], [1, 1], [ph, pw], [1, 1], 1);
        var x = Rand(7, n * h * wd * cin);
        var dy = Rand(8, n * oh * ow * cout);
        int[] pads = [ph, pw, ph, pw], ones = [1, 1];
        var dw = FilterGrad(x, dy, n, h, wd, cin, oh, ow, cout, pads);
        CloseToSum(ReferenceFilterGradient(x, dy, n, h, wd, cin, cout, ph, pw, oh, ow, out var magnitude), magnitude, dw);
        if (!Avx512F.IsSupported) return;
        Assert.True(ConvWinograd.Fits(s));
        var one = new float[dw.Length];
        var four = new float[dw.Length];
        fixed (float* px = x, pdy = dy, p1 = one, p4 = four)
        {
            ConvWinograd.FilterGradient(px, pdy, p1, s, threads: 1);
            ConvWinograd.FilterGradient(px, pdy, p4, s, threads: 4);
        }
        Assert.Equal(dw, one);
        Assert.Equal(one, four);
    }

    [Fact]
    public void FusedBiasAndReluEqualTheUnfusedOpsAndAnySplitBitForBit()
    {
        const int n = 7, h = 13, wd = 13, cin = 32, cout = 64, oh = 11, ow = 11;
        var s = new ConvShape(n, [h, wd], cin, [oh, ow], cout, [3, 3], [1, 1], [0, 0], [1, 1], 1);
        var x = Rand(4, n * h * wd * cin);
        var w = Rand(5, 9 * cin * cout);
        var bias = Rand(6, cout);
        int[] ones = [1, 1];
        var unfused = Ops.Relu(Ops.Add(Ops.Conv(Tensor.From<float>(x, new Shape(n, h, wd, cin)), Tensor.From<float>(w, new Shape(3, 3, cin, cout)), ones, [0, 0, 0, 0], ones),
            Tensor.From<float>(bias, new Shape(cout)))).ToArray<float>();
        var fused = new float[n * oh * ow * cout];
        ConvKernels.Forward(x, w, bias, FusedActivation.Relu, fused, s);
        Assert.Equal(unfused, fused);
        // One thread, images sliced as an inference plan's conv + pool step does: the same bits.
        var packed = ConvKernels.PackKernel(w, s, null);
        var sliced = new float[fused.Length];
        fixed (float* px = x, pb = bias, py = sliced)
        {
            ConvKernels.ForwardOneThread(px, packed, pb, FusedActivation.Relu, py, s.WithBatch(3));
            ConvKernels.ForwardOneThread(px + 3 * h * wd * cin, packed, pb, FusedActivation.Relu, py + 3 * oh * ow * cout, s.WithBatch(n - 3));
        }
        Assert.Equal(fused, sliced);
        if (!Avx512F.IsSupported) return;
        var u = new float[ConvWinograd.KernelLength(s) + 16];
        var single = new float[fused.Length];
        fixed (float* px = x, pw = w, pb = bias, pu = u, py = single)
        {
            ConvWinograd.TransformKernel(pw, s, false, pu);
            ConvWinograd.Forward(px, pu, pb, FusedActivation.Relu, py, s, threads: 1);
        }
        Assert.Equal(fused, single);
    }

    [Fact]
    public void OtherShapesKeepTheGemmPath()
    {
        ConvShape Shape(int k, int stride, int dilation, int groups, int cin, int cout)
            => new(2, [12, 12], cin, [12 - (k - 1) * dilation, 12 - (k - 1) * dilation], cout, [k, k], [stride, stride], [0, 0], [dilation, dilation], groups);
        Assert.False(ConvWinograd.Fits(Shape(3, 2, 1, 1, 32, 64)));
        Assert.False(ConvWinograd.Fits(Shape(3, 1, 2, 1, 32, 64)));
        Assert.False(ConvWinograd.Fits(Shape(3, 1, 1, 2, 32, 64)));
        Assert.False(ConvWinograd.Fits(Shape(5, 1, 1, 1, 32, 64)));
        Assert.False(ConvWinograd.Fits(Shape(3, 1, 1, 1, 1, 32)));
        Assert.False(ConvWinograd.Fits(Shape(3, 1, 1, 1, 32, 48)));
    }
}
