using LayerGen.Operations;
using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

/// <summary>Conv, ConvTranspose and ConvFilterGrad against a naive reference written from the definition, hand-computed values, shape errors and <see cref="ConvGeometry"/>.</summary>
public class ConvOpsTests
{
    /// <summary>A convolution problem: input spatial sizes, window, strides, pads (ONNX order), dilations, channels, groups.</summary>
    public sealed record Problem(int N, int[] In, int Cin, int[] Window, int Cout, int[] Strides, int[] Pads, int[] Dilations, int Groups)
    {
        public int R => In.Length;
        public int[] Out => [.. In.Select((n, i) => ConvGeometry.OutputLength(n, Window[i], Strides[i], Dilations[i], Pads[i], Pads[R + i]))];
        public Shape XShape => new([N, .. In, Cin]);
        public Shape YShape => new([N, .. Out, Cout]);
        public Shape WShape => new([.. Window, Cin / Groups, Cout]);
        public override string ToString() => $"x{XShape} w{WShape} s[{string.Join(",", Strides)}] p[{string.Join(",", Pads)}] d[{string.Join(",", Dilations)}] g{Groups}";
    }

    public static TheoryData<string> ProblemNames() => [.. Problems.Keys];

    private static readonly Dictionary<string, Problem> Problems = new()
    {
        ["1d"] = new(2, [7], 3, [3], 4, [1], [0, 0], [1], 1),
        ["1d-causal-dilated"] = new(2, [9], 2, [3], 3, [1], [4, 0], [2], 1),
        ["1d-strided-padded"] = new(1, [8], 2, [4], 2, [3], [1, 2], [1], 1),
        ["2d-valid"] = new(2, [6, 5], 3, [3, 2], 4, [1, 1], [0, 0, 0, 0], [1, 1], 1),
        ["2d-same-strided"] = new(2, [7, 6], 2, [3, 3], 3, [2, 2], [1, 0, 1, 1], [1, 1], 1),
        ["2d-dilated"] = new(1, [8, 7], 2, [2, 3], 2, [1, 2], [0, 1, 1, 0], [3, 2], 1),
        ["2d-groups"] = new(2, [5, 5], 4, [3, 3], 6, [1, 1], [1, 1, 1, 1], [1, 1], 2),
        ["2d-depthwise"] = new(1, [5, 4], 3, [2, 2], 6, [1, 1], [0, 0, 1, 1], [1, 1], 3),
        ["2d-pointwise"] = new(2, [4, 3], 5, [1, 1], 3, [1, 1], [0, 0, 0, 0], [1, 1], 1),
        ["2d-strided-pointwise"] = new(1, [5, 5], 3, [1, 1], 2, [2, 2], [0, 0, 0, 0], [1, 1], 1),
        ["3d"] = new(1, [4, 5, 4], 2, [2, 3, 2], 3, [1, 2, 1], [1, 1, 0, 0, 1, 1], [1, 1, 2], 1),
        ["3d-groups"] = new(2, [3, 4, 4], 4, [2, 2, 2], 2, [2, 1, 1], [0, 0, 0, 1, 1, 1], [1, 1, 1], 2),
    };

    private static double[] Rand(int seed, int count)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 2 - 1)];
    }

    private static int Product(IEnumerable<int> v) => v.Aggregate(1, (a, b) => a * b);

    /// <summary>Every (output position, window position) pair with the input position it reads, or null in the padding.</summary>
    private static IEnumerable<(int OutIndex, int TapIndex, int? InIndex)> Pairs(Problem p)
    {
        var o = p.Out;
        int r = p.R;
        int outCount = Product(o), taps = Product(p.Window);
        for (int oi = 0; oi < outCount; oi++)
        {
            for (int ti = 0; ti < taps; ti++)
            {
                int orem = oi, trem = ti, inIndex = 0;
                var opos = new int[r];
                var tpos = new int[r];
                for (int a = r - 1; a >= 0; a--) { opos[a] = orem % o[a]; orem /= o[a]; tpos[a] = trem % p.Window[a]; trem /= p.Window[a]; }
                bool inside = true;
                for (int a = 0; a < r; a++)
                {
                    int pos = opos[a] * p.Strides[a] - p.Pads[a] + tpos[a] * p.Dilations[a];
                    if (pos < 0 || pos >= p.In[a]) inside = false;
                    inIndex = inIndex * p.In[a] + pos;
                }
                yield return (oi, ti, inside ? inIndex : null);
            }
        }
    }

    /// <summary>y[n, o, co] = Σ x[n, o·s − p + t·d, g·Cg + ci] w[t, ci, co], straight from the definition.</summary>
    private static double[] NaiveConv(Problem p, double[] x, double[] w)
    {
        int outCount = Product(p.Out), inCount = Product(p.In), cg = p.Cin / p.Groups, fg = p.Cout / p.Groups;
        var y = new double[p.N * outCount * p.Cout];
        for (int n = 0; n < p.N; n++)
            foreach (var (oi, ti, ii) in Pairs(p))
            {
                if (ii is not int i) continue;
                for (int co = 0; co < p.Cout; co++)
                {
                    int g = co / fg;
                    for (int ci = 0; ci < cg; ci++)
                        y[(n * outCount + oi) * p.Cout + co] += x[(n * inCount + i) * p.Cin + g * cg + ci] * w[(ti * cg + ci) * p.Cout + co];
                }
            }
        return y;
    }

    /// <summary>The adjoint of <see cref="NaiveConv"/> in x: dx[n, i, c] = Σ dy[n, o, co] w[t, ci, co] over the pairs reading i.</summary>
    private static double[] NaiveTranspose(Problem p, double[] dy, double[] w)
    {
        int outCount = Product(p.Out), inCount = Product(p.In), cg = p.Cin / p.Groups, fg = p.Cout / p.Groups;
        var dx = new double[p.N * inCount * p.Cin];
        for (int n = 0; n < p.N; n++)
            foreach (var (oi, ti, ii) in Pairs(p))
            {
                if (ii is not int i) continue;
                for (int co = 0; co < p.Cout; co++)
                {
                    int g = co / fg;
                    for (int ci = 0; ci < cg; ci++)
                        dx[(n * inCount + i) * p.Cin + g * cg + ci] += dy[(n * outCount + oi) * p.Cout + co] * w[(ti * cg + ci) * p.Cout + co];
                }
            }
        return dx;
    }

    /// <summary>The adjoint of <see cref="NaiveConv"/> in w.</summary>
    private static double[] NaiveFilterGrad(Problem p, double[] x, double[] dy)
    {
        int outCount = Product(p.Out), inCount = Product(p.In), cg = p.Cin / p.Groups, fg = p.Cout / p.Groups;
        var dw = new double[Product(p.Window) * cg * p.Cout];
        for (int n = 0; n < p.N; n++)
            foreach (var (oi, ti, ii) in Pairs(p))
            {
                if (ii is not int i) continue;
                for (int co = 0; co < p.Cout; co++)
                {
                    int g = co / fg;
                    for (int ci = 0; ci < cg; ci++)
                        dw[(ti * cg + ci) * p.Cout + co] += x[(n * inCount + i) * p.Cin + g * cg + ci] * dy[(n * outCount + oi) * p.Cout + co];
                }
            }
        return dw;
    }

    private static Tensor Tensor64(double[] v, Shape s) => Tensor.From<double>(v, s);
    private static Tensor Tensor32(double[] v, Shape s) => Tensor.From<float>([.. v.Select(d => (float)d)], s);

    [Theory]
    [MemberData(nameof(ProblemNames))]
    public void ConvMatchesTheNaiveReference(string name)
    {
        var p = Problems[name];
        var x = Rand(1, p.XShape.Size);
        var w = Rand(2, p.WShape.Size);
        var expected = NaiveConv(p, x, w);
        var y64 = Ops.Conv(Tensor64(x, p.XShape), Tensor64(w, p.WShape), p.Strides, p.Pads, p.Dilations, p.Groups);
        Assert.Equal(p.YShape, y64.Shape);
        Close(expected, y64, 1e-12);
        var y32 = Ops.Conv(Tensor32(x, p.XShape), Tensor32(w, p.WShape), p.Strides, p.Pads, p.Dilations, p.Groups);
        Assert.Equal(DType.Float32, y32.DType);
        Close(expected, y32, 1e-5);
    }

    [Theory]
    [MemberData(nameof(ProblemNames))]
    public void ConvTransposeAndFilterGradMatchTheNaiveAdjoints(string name)
    {
        var p = Problems[name];
        var x = Rand(3, p.XShape.Size);
        var w = Rand(4, p.WShape.Size);
        var dy = Rand(5, p.YShape.Size);
        foreach (var (make, tol) in new (Func<double[], Shape, Tensor>, double)[] { (Tensor64, 1e-12), (Tensor32, 1e-5) })
        {
            var dx = Ops.ConvTranspose(make(dy, p.YShape), make(w, p.WShape), p.In, p.Strides, p.Pads, p.Dilations, p.Groups);
            Assert.Equal(p.XShape, dx.Shape);
            Close(NaiveTranspose(p, dy, w), dx, tol);
            var dw = OpRunner.Run(new ConvFilterGradOp(p.Window, p.Strides, p.Pads, p.Dilations, p.Groups), make(x, p.XShape), make(dy, p.YShape));
            Assert.Equal(p.WShape, dw.Shape);
            Close(NaiveFilterGrad(p, x, dy), dw, tol);
        }
    }

    [Theory]
    [MemberData(nameof(ProblemNames))]
    public void GradientsMatchCentralDifferences(string name)
    {
        var p = Problems[name];
        var x = GradientCheck.Rand(p.XShape, 6);
        var w = GradientCheck.Rand(p.WShape, 7);
        GradientCheck.Check(t => Ops.Conv(t[0], t[1], p.Strides, p.Pads, p.Dilations, p.Groups), [x, w]);
    }

    [Fact]
    public void LargeFloat32ProblemsUseBlocksAndThreadsAndStayExact()
    {
        // Many GEMM blocks, both threads, contiguous window rows; and a 1×1 convolution that is a single GEMM.
        foreach (var p in new[]
        {
            new Problem(6, [20, 19], 8, [3, 3], 16, [1, 1], [1, 1, 1, 1], [1, 1], 1),
            new Problem(3, [30, 30], 1, [3, 3], 32, [1, 1], [0, 0, 0, 0], [1, 1], 1),
            new Problem(4, [12, 12], 24, [1, 1], 20, [1, 1], [0, 0, 0, 0], [1, 1], 1),
            // Implicit-GEMM kernel gradient: several chunks of output rows, several depth blocks, 12-value panels that
            // straddle window positions (40 channels), windows overhanging the padding, a last column panel of 4.
            new Problem(2, [20, 19], 40, [3, 3], 36, [1, 1], [1, 1, 1, 1], [1, 1], 1),
        })
        {
            var x = Rand(8, p.XShape.Size);
            var w = Rand(9, p.WShape.Size);
            var dy = Rand(10, p.YShape.Size);
            Close(NaiveConv(p, x, w), Ops.Conv(Tensor32(x, p.XShape), Tensor32(w, p.WShape), p.Strides, p.Pads, p.Dilations), 1e-4);
            Close(NaiveTranspose(p, dy, w), Ops.ConvTranspose(Tensor32(dy, p.YShape), Tensor32(w, p.WShape), p.In, p.Strides, p.Pads, p.Dilations), 1e-4);
            Close(NaiveFilterGrad(p, x, dy), OpRunner.Run(new ConvFilterGradOp(p.Window, p.Strides, p.Pads, p.Dilations, 1), Tensor32(x, p.XShape), Tensor32(dy, p.YShape)), 1e-3);
            // Repeatable bit for bit (the split over threads depends only on the sizes).
            var a = Ops.Conv(Tensor32(x, p.XShape), Tensor32(w, p.WShape), p.Strides, p.Pads, p.Dilations).ToArray<float>();
            var b = Ops.Conv(Tensor32(x, p.XShape), Tensor32(w, p.WShape), p.Strides, p.Pads, p.Dilations).ToArray<float>();
            Assert.Equal(a, b);
        }
    }

    [Theory]
    [InlineData(3, 1, 32, "valid", 1)]
    [InlineData(2, 1, 32, "same", 2)]
    [InlineData(2, 3, 48, "same", 1)]
    [InlineData(1, 2, 64, "valid", 2)]
    public void ShallowForwardEqualsTheGemmOfIm2colBitwise(int n, int cin, int cout, string padding, int stride)
    {
        // A shallow window (depth = 9·Cin <= 32): the float32 convolution equals MatMul(im2col(x), w) bit for bit,
        // padding zeros included (the gathered rows are the ones the test builds; one depth block, the same micro-kernel).
        var p = new Problem(n, [17, 15], cin, [3, 3], cout, [stride, stride],
            ConvGeometry.Pads(padding, [17, 15], [3, 3], [stride, stride], [1, 1]), [1, 1], 1);
        var x = Rand(11, p.XShape.Size).Select(v => (float)v).ToArray();
        var w = Rand(12, p.WShape.Size).Select(v => (float)v).ToArray();
        var o = p.Out;
        int rows = n * o[0] * o[1], depth = 9 * cin;
        var cols = new float[rows * depth];
        for (int r = 0; r < rows; r++)
        {
            int b = r / (o[0] * o[1]), oh = r / o[1] % o[0], ow = r % o[1];
            for (int t = 0; t < 9; t++)
                for (int c = 0; c < cin; c++)
                {
                    int ih = oh * stride - p.Pads[0] + t / 3, iw = ow * stride - p.Pads[1] + t % 3;
                    cols[r * depth + t * cin + c] = ih < 0 || ih >= 17 || iw < 0 || iw >= 15 ? 0f : x[((b * 17 + ih) * 15 + iw) * cin + c];
                }
        }
        var expected = Ops.MatMul(Tensor.From<float>(cols, new Shape(rows, depth)), Tensor.From<float>(w, new Shape(depth, cout))).ToArray<float>();
        var y = Ops.Conv(Tensor.From<float>(x, p.XShape), Tensor.From<float>(w, p.WShape), p.Strides, p.Pads, p.Dilations);
        Assert.Equal(p.YShape, y.Shape);
        Assert.Equal(expected, y.ToArray<float>());
    }

    [Fact]
    public void HandComputedValues()
    {
        // 1D: [1, 2, 3, 4] * [1, 0, -1] (cross-correlation, no flip) = [1 - 3, 2 - 4].
        var y = Ops.Conv(D([1, 4, 1], 1, 2, 3, 4), D([3, 1, 1], 1, 0, -1), [1], [0, 0], [1]);
        Assert.Equal(new Shape(1, 2, 1), y.Shape);
        Close([-2, -2], y);
        // Stride 2, one zero before: windows [0, 1, 2] and [2, 3, 4] of the padded [0, 1, 2, 3, 4].
        Close([0 + 1 + 2, 2 + 3 + 4], Ops.Conv(D([1, 4, 1], 1, 2, 3, 4), D([3, 1, 1], 1, 1, 1), [2], [1, 0], [1]), 1e-12);
        // 2D, two input channels summed, two filters: 2×2 input, 2×2 kernel → 1×1.
        var x = D([1, 2, 2, 2], 1, 10, 2, 20, 3, 30, 4, 40);               // channel 0: 1 2 3 4, channel 1: 10 20 30 40
        var w = D([2, 2, 2, 2], 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1); // filter 0 sums channel 0, filter 1 channel 1
        Close([10, 100], Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [1, 1]));
        // Transposed, stride 2: each input value stamps the kernel [1, 2] at 2i.
        Close([3, 6, 5, 10], Ops.ConvTranspose(D([1, 2, 1], 3, 5), D([2, 1, 1], 1, 2), [4], [2], [0, 0], [1]));
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndTheShapes()
    {
        var x = Tensor.Zeros([2, 5, 5, 3]);
        var w = Tensor.Zeros([3, 3, 3, 4]);
        var e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(Tensor.Zeros([5, 5, 3]), w, [1, 1], [0, 0, 0, 0], [1, 1]));
        Assert.Equal("Conv: the input must have rank 4 (batch, 2 spatial axes, channels) for a 2D convolution, got shape (5, 5, 3).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, Tensor.Zeros([3, 3, 4]), [1, 1], [0, 0, 0, 0], [1, 1]));
        Assert.StartsWith("Conv: the kernel must have rank 4", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, Tensor.Zeros([3, 3, 2, 4]), [1, 1], [0, 0, 0, 0], [1, 1]));
        Assert.Equal("Conv: the input has 3 channels but the kernel of shape (3, 3, 2, 4) expects 2 (its second-to-last axis). Input shape (2, 5, 5, 3).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, Tensor.Zeros([3, 3, 1, 4]), [1, 1], [0, 0, 0, 0], [1, 1], groups: 3));
        Assert.StartsWith("Conv: the kernel's output channels (4) must be divisible by groups (3).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, Tensor.Zeros([3, 3, 2, 6]), [1, 1], [0, 0, 0, 0], [1, 1], groups: 3));
        Assert.Equal("Conv: the input has 3 channels but the kernel of shape (3, 3, 2, 6) expects 2 per group × 3 groups = 6. Input shape (2, 5, 5, 3).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, Tensor.Zeros([6, 3, 3, 4]), [1, 1], [0, 0, 0, 0], [1, 1]));
        Assert.StartsWith("Conv: the kernel is larger than the padded input on spatial axis 0: window 6 with dilation 1 spans 6 values, the input has 5 + pads 0 + 0 = 5.", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [3, 1]));
        Assert.Contains("window 3 with dilation 3 spans 7 values", e.Message);
        Assert.Equal(new Shape(2, 1, 1, 4), Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [2, 2]).Shape); // 5 = (3 - 1)·2 + 1 fits
        var a = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv(x, w, [0, 1], [0, 0, 0, 0], [1, 1]));
        Assert.StartsWith("Conv: strides must be positive, got strides=[0, 1].", a.Message);
        a = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [1, -1]));
        Assert.StartsWith("Conv: dilations must be positive, got dilations=[1, -1].", a.Message);
        Assert.Throws<ArgumentException>(() => Ops.Conv(x, w, [1, 1], [0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => Ops.Conv(x, w, [1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1]));
        Assert.Throws<DTypeMismatchException>(() => Ops.Conv(Tensor.Zeros([2, 5, 5, 3], DType.Int32), Tensor.Zeros([3, 3, 3, 4], DType.Int32), [1, 1], [0, 0, 0, 0], [1, 1]));
        // ConvTranspose: the kernel's last axis is the input's channels; the output size must fit.
        var t = Assert.Throws<ShapeMismatchException>(() => Ops.ConvTranspose(Tensor.Zeros([1, 3, 3, 2]), Tensor.Zeros([2, 2, 5, 3]), [6, 6], [2, 2], [0, 0, 0, 0], [1, 1]));
        Assert.Equal("ConvTranspose: the input has 2 channels but the kernel of shape (2, 2, 5, 3) expects 3 (its last axis). Input shape (1, 3, 3, 2).", t.Message);
        t = Assert.Throws<ShapeMismatchException>(() => Ops.ConvTranspose(Tensor.Zeros([1, 3, 3, 2]), Tensor.Zeros([2, 2, 5, 2]), [9, 6], [2, 2], [0, 0, 0, 0], [1, 1]));
        Assert.StartsWith("ConvTranspose: output size 9 on spatial axis 0 does not fit the input size 3", t.Message);
        Assert.Equal(new Shape(1, 7, 6, 5), Ops.ConvTranspose(Tensor.Zeros([1, 3, 3, 2]), Tensor.Zeros([2, 2, 5, 2]), [7, 6], [2, 2], [0, 0, 0, 0], [1, 1]).Shape);
        // ConvFilterGrad: the output gradient must be the convolution's output shape.
        t = Assert.Throws<ShapeMismatchException>(() => OpRunner.Run(new ConvFilterGradOp([3, 3], [1, 1], [0, 0, 0, 0], [1, 1], 1), x, Tensor.Zeros([2, 4, 3, 4])));
        Assert.StartsWith("ConvFilterGrad: the output gradient (2, 4, 3, 4) does not fit the convolution of the input (2, 5, 5, 3): spatial axis 0 has 4 values, the convolution gives 3.", t.Message);
    }

    [Fact]
    public void SymbolicBatchStaysUnknown()
    {
        var y = Ops.Conv(Tensor.Placeholder([Shape.Unknown, 28, 28, 1]), Tensor.Zeros([3, 3, 1, 32]), [1, 1], [0, 0, 0, 0], [1, 1]);
        Assert.Equal(new Shape(Shape.Unknown, 26, 26, 32), y.Shape);
    }

    [Fact]
    public void GeometryPadsFollowKeras()
    {
        // same: total = max((ceil(in/s) − 1)·s + (k − 1)·d + 1 − in, 0), the odd one at the end.
        Assert.Equal(new[] { 1, 1 }, ConvGeometry.Pads("same", [5], [3], [1], [1]));
        Assert.Equal(new[] { 0, 1, 1, 1 }, ConvGeometry.Pads("same", [6, 5], [2, 3], [1, 2], [1, 1]));
        Assert.Equal(new[] { 1, 2 }, ConvGeometry.Pads("SAME", [28], [4], [1], [1]));
        Assert.Equal(new[] { 0, 0 }, ConvGeometry.Pads("same", [7], [1], [3], [1]));
        Assert.Equal(new[] { 2, 2 }, ConvGeometry.Pads("same", [10], [3], [1], [2]));
        Assert.Equal(new[] { 0, 0, 0, 0 }, ConvGeometry.Pads("valid", [5, 5], [3, 3], [1, 1], [1, 1]));
        Assert.Equal(new[] { 4, 0 }, ConvGeometry.Pads("causal", [9], [3], [1], [2]));
        Assert.Throws<ArgumentException>(() => ConvGeometry.Pads("causal", [9, 9], [3, 3], [1, 1], [1, 1]));
        Assert.Throws<ArgumentException>(() => ConvGeometry.Pads("full", [9], [3], [1], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConvGeometry.Pads("same", [9], [3], [0], [1]));
        Assert.Equal(3, ConvGeometry.OutputLength(7, 3, 2, 1, 0, 0));
        Assert.Equal(4, ConvGeometry.OutputLength(7, 3, 2, 1, 1, 1));
        Assert.Equal(0, ConvGeometry.OutputLength(2, 3, 1, 1, 0, 0));
        Assert.Equal(-1, ConvGeometry.OutputLength(1, 4, 2, 1, 0, 0));
        // Keras's conv_transpose lengths.
        Assert.Equal(7, ConvGeometry.TransposeOutputLength(3, 3, 2, 1, "valid", null));
        Assert.Equal(9, ConvGeometry.TransposeOutputLength(3, 2, 3, 1, "valid", null)); // (3 − 1)·3 + max(2, 3)
        Assert.Equal(8, ConvGeometry.TransposeOutputLength(3, 3, 2, 1, "valid", 1));
        Assert.Equal(6, ConvGeometry.TransposeOutputLength(3, 3, 2, 1, "same", null));
        Assert.Equal(6, ConvGeometry.TransposeOutputLength(3, 3, 2, 1, "same", 1));       // (3 − 1)·2 + 3 mod 2 + 1
    }

    [Theory]
    [InlineData("valid", 3, 2, 1, null)]
    [InlineData("valid", 2, 3, 1, null)]
    [InlineData("valid", 3, 2, 1, 1)]
    [InlineData("same", 3, 2, 1, null)]
    [InlineData("same", 4, 2, 1, null)]
    [InlineData("same", 3, 1, 1, null)]
    [InlineData("same", 3, 2, 1, 1)]
    [InlineData("same", 3, 2, 1, 0)]
    [InlineData("same", 2, 1, 2, null)]
    [InlineData("valid", 3, 1, 2, null)]
    public void TransposePadsGiveKerasOutputLengths(string padding, int k, int s, int d, int? outputPadding)
    {
        const int input = 4;
        int length = ConvGeometry.TransposeOutputLength(input, k, s, d, padding, outputPadding);
        var pads = ConvGeometry.TransposePads(padding, [input], [k], [s], [d], outputPadding is { } o ? [o] : null);
        // The op accepts the pair (the convolution of the output with these pads gives the input back) ...
        var y = Ops.ConvTranspose(Tensor.Ones([1, input, 1], DType.Float64), Tensor.Ones([k, 1, 1], DType.Float64), [length], [s], pads, [d]);
        Assert.Equal(new Shape(1, length, 1), y.Shape);
        // ... and the values are those of the stride-dilated input padded as Keras pads it (jax.lax.conv_transpose).
        int effective = (k - 1) * d + 1;
        var expected = new double[length];
        for (int i = 0; i < input; i++)
            for (int t = 0; t < k; t++)
            {
                int pos = i * s - pads[0] + t * d;
                if (pos >= 0 && pos < length) expected[pos] += 1;
            }
        Close(expected, y);
        Assert.True(pads[0] <= effective - 1);
    }
}
