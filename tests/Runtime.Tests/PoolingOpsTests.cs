namespace LayerGen.Tests;

/// <summary>Values, shapes and errors of the pooling and resize ops.</summary>
public class PoolingOpsTests
{
    private static Tensor F(float[] values, params int[] shape) => Tensor.From(values, new Shape(shape));

    [Fact]
    public void MaxPoolTakesTheLargestOfEachWindow()
    {
        var x = F([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 1, 4, 4, 1);
        var y = Ops.MaxPool(x, [2, 2], [2, 2], [0, 0, 0, 0]);
        Assert.Equal(new Shape(1, 2, 2, 1), y.Shape);
        Assert.Equal(new[] { 6f, 8, 14, 16 }, y.ToArray<float>());
    }

    [Fact]
    public void PaddedCellsNeverWinAndAreNotCounted()
    {
        var x = F([-1, -2, -3], 1, 3, 1);
        Assert.Equal(new[] { -1f, -3 }, Ops.MaxPool(x, [2], [2], [0, 1]).ToArray<float>());
        Assert.Equal(new[] { -1.5f, -3 }, Ops.AvgPool(x, [2], [2], [0, 1]).ToArray<float>());
        // same padding of a 3-wide input, window 3, stride 1: one cell before and after.
        Assert.Equal(new[] { -1.5f, -2, -2.5f }, Ops.AvgPool(x, [3], [1], [1, 1]).ToArray<float>());
    }

    [Fact]
    public void ChannelsArePooledSeparately()
    {
        var x = F([1, 10, 2, 20, 3, 30, 4, 40], 1, 4, 2);
        Assert.Equal(new[] { 2f, 20, 4, 40 }, Ops.MaxPool(x, [2], [2], [0, 0]).ToArray<float>());
        Assert.Equal(new[] { 1.5f, 15, 3.5f, 35 }, Ops.AvgPool(x, [2], [2], [0, 0]).ToArray<float>());
    }

    [Theory]
    [InlineData(new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 })]
    [InlineData(new[] { 3, 3 }, new[] { 1, 2 }, new[] { 1, 1, 1, 1 })]
    [InlineData(new[] { 2, 3, 2 }, new[] { 2, 1, 2 }, new[] { 0, 1, 0, 1, 1, 1 })]
    [InlineData(new[] { 5 }, new[] { 3 }, new[] { 2, 2 })]
    public void LargeInputsOnBothCoresEqualAPlainLoop(int[] window, int[] strides, int[] pads)
    {
        int r = window.Length;
        int[] shape = r switch { 1 => [8, 300, 16], 2 => [8, 30, 33, 16], _ => [4, 9, 10, 11, 16] };
        var x = Tensor.RandomNormal(shape, generator: new RandomGenerator(3));
        var max = Ops.MaxPool(x, window, strides, pads);
        var avg = Ops.AvgPool(x, window, strides, pads);
        var (refMax, refAvg) = Reference(x, window, strides, pads, max.Shape);
        Assert.Equal(refMax, max.ToArray<float>());
        var a = avg.ToArray<float>();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - refAvg[i]) < 1e-5, $"{i}: {a[i]} vs {refAvg[i]}");
        var x64 = Ops.Cast(x, DType.Float64);
        Assert.Equal(refMax, Ops.Cast(Ops.MaxPool(x64, window, strides, pads), DType.Float32).ToArray<float>());
    }

    private static (float[] Max, float[] Avg) Reference(Tensor x, int[] window, int[] strides, int[] pads, Shape outShape)
    {
        int r = window.Length;
        var xs = x.Shape;
        var v = x.ToArray<float>();
        var max = new List<float>();
        var avg = new List<float>();
        int count = outShape.Size / (outShape[0] * outShape[^1]);
        for (int n = 0; n < xs[0]; n++)
            for (int o = 0; o < count; o++)
            {
                var oi = new int[r];
                for (int a = r - 1, rest = o; a >= 0; a--) { oi[a] = rest % outShape[1 + a]; rest /= outShape[1 + a]; }
                for (int c = 0; c < xs[^1]; c++)
                {
                    float m = float.NegativeInfinity; double sum = 0; int cells = 0;
                    int total = window.Aggregate(1, (p, k) => p * k);
                    for (int cell = 0; cell < total; cell++)
                    {
                        int flat = n; bool inside = true;
                        for (int a = 0, rest = cell, div = total; a < r; a++)
                        {
                            div /= window[a];
                            int k = rest / div; rest %= div;
                            int i = oi[a] * strides[a] - pads[a] + k;
                            if (i < 0 || i >= xs[1 + a]) { inside = false; break; }
                            flat = flat * xs[1 + a] + i;
                        }
                        if (!inside) continue;
                        float value = v[flat * xs[^1] + c];
                        m = Math.Max(m, value); sum += value; cells++;
                    }
                    max.Add(m); avg.Add((float)(sum / cells));
                }
            }
        return ([.. max], [.. avg]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxPoolGradRoutesToTheFirstLargestCellOnBothCores(DType dtype)
    {
        // Rounded values tie often; 19 channels cover the vector lanes and the scalar tail.
        int[] window = [3, 2], strides = [2, 1], pads = [1, 0, 1, 1];
        var x = Ops.Cast(Tensor.From(Tensor.RandomNormal([6, 21, 17, 19], generator: new RandomGenerator(8)).ToArray<float>().Select(v => MathF.Round(v * 2)).ToArray(), new Shape(6, 21, 17, 19)), dtype);
        var y = Ops.MaxPool(x, window, strides, pads);
        var g = Ops.Cast(Tensor.RandomNormal(y.Shape.ToArray(), generator: new RandomGenerator(9)), dtype);
        var dx = Ops.Cast(OpRunner.Run(new MaxPoolGradOp(window, strides, pads), g, x), DType.Float64).ToArray<double>();
        var h = Ops.Cast(Tensor.RandomNormal(x.Shape.ToArray(), generator: new RandomGenerator(10)), dtype);
        var picked = Ops.Cast(OpRunner.Run(new MaxPoolGradGradOp(window, strides, pads), h, x), DType.Float64).ToArray<double>();
        var xv = Ops.Cast(x, DType.Float64).ToArray<double>();
        var gv = Ops.Cast(g, DType.Float64).ToArray<double>();
        var hv = Ops.Cast(h, DType.Float64).ToArray<double>();
        var expectedDx = new double[xv.Length];
        var ys = y.Shape;
        for (int n = 0; n < ys[0]; n++)
            for (int oh = 0; oh < ys[1]; oh++)
                for (int ow = 0; ow < ys[2]; ow++)
                    for (int c = 0; c < ys[3]; c++)
                    {
                        int best = -1;
                        for (int kh = 0; kh < window[0]; kh++)
                            for (int kw = 0; kw < window[1]; kw++)
                            {
                                int ih = oh * strides[0] - pads[0] + kh, iw = ow * strides[1] - pads[1] + kw;
                                if (ih < 0 || ih >= 21 || iw < 0 || iw >= 17) continue;
                                int at = ((n * 21 + ih) * 17 + iw) * 19 + c;
                                if (best < 0 || xv[at] > xv[best]) best = at;
                            }
                        int o = ((n * ys[1] + oh) * ys[2] + ow) * ys[3] + c;
                        expectedDx[best] += gv[o];
                        Assert.Equal(hv[best], picked[o]);
                    }
        for (int i = 0; i < dx.Length; i++) Assert.True(Math.Abs(dx[i] - expectedDx[i]) < 1e-5, $"{i}: {dx[i]} vs {expectedDx[i]}");
    }

    [Theory]
    [InlineData(2, 2, 26, 26, 32, false)]
    [InlineData(2, 2, 11, 11, 64, true)]
    [InlineData(3, 2, 10, 7, 16, true)]
    [InlineData(1, 3, 5, 9, 48, false)]
    public void TiledMaxPoolGradEqualsTheGeneralKernelBitForBit(int kh, int kw, int h, int w, int c, bool reluMask)
    {
        // Rounded values tie often (the first largest cell wins), negatives and zeros exercise the relu mask, and the
        // sizes leave rows and columns no window covers. 5 images: both cores.
        int[] window = [kh, kw];
        var rounded = Tensor.RandomNormal([5, h, w, c], generator: new RandomGenerator(21)).ToArray<float>().Select(v => MathF.Round(v * 2)).ToArray();
        var x = Tensor.From(rounded, new Shape(5, h, w, c));
        var op = new MaxPoolGradOp(window, window, [0, 0, 0, 0]);
        var pooled = Ops.MaxPool(x, window, window, [0, 0, 0, 0]);
        var g = Tensor.RandomNormal(pooled.Shape.ToArray(), generator: new RandomGenerator(22));
        Assert.True(MaxPoolTiled.Fits(PoolGeometry.Of(x.Shape, pooled.Shape, window, window, [0, 0, 0, 0]), DType.Float32));
        var tiled = op.Compute([g, x], new KernelOutput(x.Spec, null), reluMask);
        var general = op.ComputeGeneral([g, x], new KernelOutput(x.Spec, null));
        if (reluMask) general = Ops.ReluGrad(general, x);
        Assert.True(general.AsBytes().SequenceEqual(tiled.AsBytes()));
        // A planned buffer full of garbage is overwritten everywhere (no zeroing pass is relied on).
        var buffer = Tensor.Full(x.Shape, double.NaN);
        var planned = op.Compute([g, x], new KernelOutput(x.Spec, buffer), reluMask);
        Assert.True(general.AsBytes().SequenceEqual(planned.AsBytes()));
    }

    [Theory]
    [InlineData(2, 2, 26, 26, 32)]
    [InlineData(2, 2, 11, 11, 64)]
    [InlineData(3, 2, 10, 7, 16)]
    public void TiledMaxPoolEqualsTheGeneralKernelBitForBit(int kh, int kw, int h, int w, int c)
    {
        // Ties, signed zeros and NaNs: the tiled forward must take the same maximum as TensorPrimitives.Max cell by cell.
        int[] window = [kh, kw];
        var values = Tensor.RandomNormal([5, h, w, c], generator: new RandomGenerator(23)).ToArray<float>().Select(v => MathF.Round(v * 2)).ToArray();
        for (int i = 0; i < values.Length; i += 37) values[i] = i % 3 == 0 ? float.NaN : i % 3 == 1 ? -0f : 0f;
        var x = Tensor.From(values, new Shape(5, h, w, c));
        int[] pads = [0, 0, 0, 0];
        var tiled = Ops.MaxPool(x, window, window, pads);
        var geo = PoolGeometry.Of(x.Shape, tiled.Shape, window, window, pads);
        Assert.True(MaxPoolTiled.Fits(geo, DType.Float32));
        // The general kernel's arithmetic: copy the first cell, then TensorPrimitives.Max(dst, cell) per further cell.
        var expected = new float[tiled.Size];
        int oh = tiled.Shape[1], ow = tiled.Shape[2];
        for (int n = 0; n < 5; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var dst = expected.AsSpan(((n * oh + i) * ow + j) * c, c);
                    for (int a = 0; a < kh; a++)
                        for (int b = 0; b < kw; b++)
                        {
                            var src = values.AsSpan(((n * h + i * kh + a) * w + j * kw + b) * c, c);
                            if (a == 0 && b == 0) src.CopyTo(dst);
                            else System.Numerics.Tensors.TensorPrimitives.Max(dst, src, dst);
                        }
                }
        var general = Tensor.From(expected, tiled.Shape);
        Assert.True(general.AsBytes().SequenceEqual(tiled.AsBytes()));
    }

    [Fact]
    public void BadAttributesAndShapesAreTypedErrors()
    {
        var e = Assert.Throws<OpAttributeException>(() => Ops.MaxPool(Tensor.Zeros([1, 4, 1]), [2], [0], [0, 0]));
        Assert.Contains("'strides' must be positive", e.Message);
        Assert.Throws<OpAttributeException>(() => Ops.AvgPool(Tensor.Zeros([1, 4, 1]), [2], [-1], [0, 0]));
        Assert.Throws<OpAttributeException>(() => Ops.AvgPool(Tensor.Zeros([1, 4, 1]), [2], [1], [0]));
        Assert.Throws<OpAttributeException>(() => Ops.AvgPool(Tensor.Zeros([1, 4, 1]), [2], [1], [2, 0]));
        Assert.Throws<OpAttributeException>(() => Ops.AvgPool(Tensor.Zeros([1, 4, 1]), [0], [1], [0, 0]));
        var big = Assert.Throws<ShapeMismatchException>(() => Ops.MaxPool(Tensor.Zeros([1, 3, 3, 1]), [4, 2], [1, 1], [0, 0, 0, 0]));
        Assert.Contains("larger than the padded input", big.Message);
        Assert.Contains("(1, 3, 3, 1)", big.Message);
        var rank = Assert.Throws<ShapeMismatchException>(() => Ops.AvgPool(Tensor.Zeros([3, 3, 1]), [2, 2], [1, 1], [0, 0, 0, 0]));
        Assert.Contains("rank 4", rank.Message);
        Assert.Throws<DTypeMismatchException>(() => Ops.AvgPool(Tensor.Zeros([1, 4, 1], DType.Int32), [2], [2], [0, 0]));
        Assert.Throws<OpAttributeException>(() => Ops.ResizeBilinear(Tensor.Zeros([1, 2, 2, 1]), 0, 2));
        Assert.Throws<ShapeMismatchException>(() => Ops.ResizeBilinear(Tensor.Zeros([2, 2, 1]), 4, 4));
    }

    [Fact]
    public void SymbolicShapesKeepTheUnknownBatch()
    {
        var spec = new TensorSpec(new Shape(-1, 28, 28, 3), DType.Float32);
        var graph = Graph.Trace(p => [Ops.MaxPool(p[0], [2, 2], [2, 2], [0, 0, 0, 0]), Ops.AvgPool(p[0], [3, 3], [2, 2], [1, 1, 1, 1]), Ops.ResizeBilinear(p[0], 56, 56)], [spec]);
        Assert.Equal(new Shape(-1, 14, 14, 3), graph.OutputSpecs[0].Shape);
        Assert.Equal(new Shape(-1, 14, 14, 3), graph.OutputSpecs[1].Shape);
        Assert.Equal(new Shape(-1, 56, 56, 3), graph.OutputSpecs[2].Shape);
    }

    [Fact]
    public void BilinearUpsamplingUsesHalfPixelCentresAndRepeatsTheEdges()
    {
        var x = F([0, 1], 1, 1, 2, 1);
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1 }, Ops.ResizeBilinear(x, 1, 4).ToArray<float>());
        var col = F([0, 4, 8], 1, 3, 1, 1);
        Assert.Equal(new[] { 0f, 1, 3, 5, 7, 8 }, Ops.ResizeBilinear(col, 6, 1).ToArray<float>().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(new[] { 2f }, Ops.ResizeBilinear(F([0, 4, 4, 0], 1, 2, 2, 1), 1, 1).ToArray<float>());
    }

    [Fact]
    public void MaxPoolSecondDerivativesAreOps()
    {
        // d/dx sum(MaxPoolGrad(g, x) * w) is zero almost everywhere; d/dg of it picks w at the argmax cells.
        var x = F([1, 5, 2, 3], 1, 4, 1);
        var g = Tensor.From(new[] { 1f, 1f }, new Shape(1, 2, 1));
        using var outer = new GradientTape();
        outer.Watch(g);
        var dx = OpRunner.Run(new MaxPoolGradOp([2], [2], [0, 0]), g, x);
        var picked = Ops.Sum(Ops.Mul(dx, F([10, 20, 30, 40], 1, 4, 1)));
        var dg = outer.Gradient(picked, g)!;
        Assert.Equal(new[] { 20f, 40 }, dg.ToArray<float>());
    }
}
