using LayerGen.Graphs;
using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// The float32 kernel gradient of a shallow window image by image (<c>ConvKernels.FilterGradPerImageFits</c>): each image's
/// partial is one fused multiply-add chain per value over its positions in order from +0, the images' partials added in
/// order from +0; and a plan computes those partials inside the fused MaxPool + ReLU gradient pass
/// (<see cref="FilterGradFromImagePartialsStep"/>) with the same bits as the eager op; its forward computes the 2×2 pool in
/// the convolution's pass (<see cref="ConvKeepPoolStep"/>, <see cref="PooledByConvStep"/>), same bits again.
/// </summary>
public class ConvFilterGradPerImageTests
{
    [Theory]
    [InlineData(5, 9, 9, 1, 32, 1, 0)]   // the convnet's first layer, small
    [InlineData(3, 8, 7, 2, 32, 1, 1)]   // two channels (depth 18), `same` padding
    [InlineData(4, 11, 10, 1, 16, 2, 0)] // stride 2, one 16-channel vector
    [InlineData(40, 28, 28, 1, 32, 1, 0)] // the convnet's shape on 40 images: both threads
    [InlineData(3, 7, 6, 1, 32, 1, 1)]   // depth 9 (registers, no im2col) with windows over the padding
    [InlineData(2, 10, 11, 1, 64, 2, 1)] // depth 9, two 32-filter blocks, stride 2, padding
    [InlineData(300, 6, 5, 1, 32, 1, 0)] // more images than one block of partials
    public void KernelGradientIsEachImagesChainThenTheImagesInOrder(int n, int h, int w, int cin, int cout, int stride, int pad)
    {
        const int k = 3;
        var rng = new Random(n * 31 + h);
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var x = new float[n * h * w * cin];
        var dy = new float[n * oh * ow * cout];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() * 2 - 1) * (i % 7 == 0 ? 100f : 1f);
        var s = new ConvShape(n, [h, w], cin, [oh, ow], cout, [k, k], [stride, stride], [pad, pad], [1, 1], 1);
        Assert.True(ConvKernels.FilterGradPerImageFits(s));
        int depth = k * k * cin;
        var expected = new float[depth * cout];
        var partial = new float[depth * cout];
        for (int img = 0; img < n; img++)
        {
            Array.Clear(partial);
            for (int y = 0; y < oh; y++)
                for (int xo = 0; xo < ow; xo++)
                {
                    int row = (img * oh + y) * ow + xo;
                    for (int kh = 0; kh < k; kh++)
                        for (int kw = 0; kw < k; kw++)
                            for (int c = 0; c < cin; c++)
                            {
                                int ih = y * stride - pad + kh, iw = xo * stride - pad + kw;
                                float v = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[((img * h + ih) * w + iw) * cin + c] : 0f;
                                int d = (kh * k + kw) * cin + c;
                                for (int co = 0; co < cout; co++)
                                    partial[d * cout + co] = MathF.FusedMultiplyAdd(v, dy[row * cout + co], partial[d * cout + co]);
                            }
                }
            for (int i = 0; i < expected.Length; i++) expected[i] += partial[i];
        }
        var dw = new float[depth * cout];
        dw.AsSpan().Fill(float.NaN);
        ConvKernels.BackwardFilter<float>(x, dy, dw, s);
        Assert.Equal(expected, dw);

        // The op over tensors gives the same bits.
        var op = OpRunner.Run(new ConvFilterGradOp([k, k], [stride, stride], [pad, pad, pad, pad], [1, 1], 1),
            Tensor.From<float>(x, new Shape(n, h, w, cin)), Tensor.From<float>(dy, new Shape(n, oh, ow, cout)));
        Assert.Equal(expected, op.ToArray<float>());
    }

    [Theory]
    [InlineData(40, 28, 32)] // 40 images of 26×26×32 conv outputs: both threads, 13×13 windows cover all
    [InlineData(3, 9, 16)]   // 7×7 → 3×3 pooled: a row and a column no window covers
    [InlineData(128, 28, 32)] // the convnet's batch
    public void PlannedKernelGradientFromThePoolPassEqualsEagerBitForBit(int batch, int size, int filters)
    {
        var c = new ConvReluPoolCase(23, batch, size, filters);
        var plan = c.Plan;
        Assert.Contains(plan.Steps, s => s is FilterGradFromImagePartialsStep);
        Assert.Contains(plan.Steps, s => s is BiasGradFromImageSumsStep);
        Assert.DoesNotContain(plan.Steps, s => s.Op is ConvFilterGradOp && s is not FilterGradFromImagePartialsStep);
        // The training forward computes the pool in the convolution's pass when its windows cover every cell (26×26 → 13×13).
        bool covers = (size - 2) % 2 == 0;
        Assert.Equal(covers, plan.Steps.Any(s => s is ConvKeepPoolStep));
        Assert.Equal(covers, plan.Steps.Any(s => s is PooledByConvStep));
        c.AssertPlannedEqualsEager();
        // The pool-gradient pass feeds only the bias and kernel gradients, which take its sums and partials: it did not
        // write the N·H·W·C gradient itself (and the outputs above are still the eager bits).
        Assert.False(plan.Steps.OfType<MaxPoolReluGradStep>().Single().ResultWrittenLastRun);
        // When the pool covers the output, the forward wrote one route byte per pooled value instead of the convolution's
        // output, and the gradient read those (the outputs are still the eager bits).
        Assert.Equal(covers, plan.Steps.OfType<ConvKeepPoolStep>().Any(s => s.WroteRouteLastRun));
    }

    [Fact]
    public unsafe void RouteBytesGiveTheTiledGradientOfTheValuesOnTiesAndNaN()
    {
        // A kernel that only reads the window's centre: outputs tie whenever two centres do, while the windows differ
        // (so a wrong tie-break would move the gradient to another cell). Pixels from {−1, 0, 1, 2} (many ties, relu zeros),
        // and a NaN pixel. The gradient from the route bytes must equal the tiled gradient over the stored values.
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        const int n = 3, size = 10, cout = 32, o = size - 2, p = o / 2;
        var s = new ConvShape(n, [size, size], 1, [o, o], cout, [3, 3], [1, 1], [0, 0], [1, 1], 1);
        var rng = new Random(31);
        var x = new float[n * size * size];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4) - 1;
        x[size + 1] = float.NaN;
        var w = new float[9 * cout];
        var bias = new float[cout];
        for (int co = 0; co < cout; co++)
        {
            w[4 * cout + co] = co % 2 == 0 ? 1f : -0.5f;
            bias[co] = co % 3 * 0.25f;
        }
        var geo = PoolGeometry.Of(new Shape(n, o, o, cout), new Shape(n, p, p, cout), [2, 2], [2, 2], [0, 0, 0, 0]);
        Assert.True(ConvPoolDirect.Fits(s, geo, FusedActivation.Relu) && ConvPoolDirect.CoversAll(geo));
        var full = new float[n * o * o * cout];
        var pooled = new float[n * p * p * cout];
        var route = new byte[pooled.Length];
        fixed (float* px = x, pw = w, pb = bias, pf = full, pp = pooled)
        fixed (byte* pr = route)
        {
            ConvPoolDirect.Run(px, pw, pb, FusedActivation.Relu, pp, s, geo, 0, n, pf);
            ConvPoolDirect.Run(px, pw, pb, FusedActivation.Relu, pp, s, geo, 0, n, null, pr);
        }
        var g = Tensor.From<float>([.. Enumerable.Range(0, pooled.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1))], new Shape(n, p, p, cout));
        var values = Tensor.From<float>(full, new Shape(n, o, o, cout));
        var fromValues = Tensor.Zeros(new Shape(n, o, o, cout), DType.Float32);
        var fromRoute = Tensor.Zeros(new Shape(n, o, o, cout), DType.Float32);
        MaxPoolTiled.Gradient(geo, g, values, fromValues, reluMask: true);
        MaxPoolTiled.Gradient(geo, g, Tensor.Zeros(new Shape(n, o, o, cout), DType.Float32), fromRoute, reluMask: true, null, null, default, null, route: route);
        Assert.True(fromValues.AsBytes().SequenceEqual(fromRoute.AsBytes()));
        // Ties did occur between different cells with a positive maximum, so the first-cell rule was exercised.
        int ties = 0;
        for (int i = 0; i < pooled.Length; i++)
        {
            int nn = i / (p * p * cout), ph = i / (p * cout) % p, pw2 = i / cout % p, co = i % cout;
            float v(int a, int b) => full[((nn * o + 2 * ph + a) * o + 2 * pw2 + b) * cout + co];
            float m = pooled[i];
            if (m > 0 && (v(0, 0) == m ? 1 : 0) + (v(0, 1) == m ? 1 : 0) + (v(1, 0) == m ? 1 : 0) + (v(1, 1) == m ? 1 : 0) > 1) ties++;
        }
        Assert.True(ties > 50, $"{ties} ties");
    }
}
