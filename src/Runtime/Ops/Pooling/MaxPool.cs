using System.Numerics;
using System.Numerics.Tensors;

namespace LayerGen.Operations;

/// <summary>
/// Max pooling over the spatial axes of a channels-last input <c>(N, *spatial, C)</c> with 1 to 3 spatial axes:
/// each output cell is the largest input in its window. Padded cells never win (TensorFlow's and Keras's
/// <c>same</c>). <see cref="PoolOp.Pads"/> is in ONNX order <c>[begin_0 .. begin_{r-1}, end_0 .. end_{r-1}]</c>. The
/// gradient routes <c>g</c> to each window's first largest cell (<see cref="MaxPoolGradOp"/>).
/// </summary>
[Op("MaxPool")]
public sealed partial class MaxPoolOp : PoolOp
{
    /// <summary>Creates the op; throws <see cref="OpAttributeException"/> for bad windows, strides or pads.</summary>
    public MaxPoolOp(int[] window, int[] strides, int[] pads) : base("MaxPool", window, strides, pads) { }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectNumeric(inputs[0]);
        return new(PoolGeometry.OutputShape(Name, inputs[0].Shape, Window, Strides, Pads), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override unsafe Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var y = output.Allocate(zeroed: false);
        var geo = PoolGeometry.Of(x.Shape, output.Shape, Window, Strides, Pads);
        switch (x.DType)
        {
            case DType.Float32 when MaxPoolTiled.Fits(geo, DType.Float32):
                if (y.Size > 0) PoolGeometry.ParallelLent<float>(geo.Rows, (long)y.Size * geo.KH * geo.KW, &MaxPoolTiled.ForwardRows, geo, x, y);
                break;
            case DType.Float32: Run<float>(geo, x, y); break;
            case DType.Float64: Run<double>(geo, x, y); break;
            case DType.Int32: Run<int>(geo, x, y); break;
            case DType.Int64: Run<long>(geo, x, y); break;
        }
        return y;
    }

    private static unsafe void Run<T>(PoolGeometry g, Tensor x, Tensor y) where T : unmanaged, INumber<T>
    {
        if (y.Size == 0) return;
        PoolGeometry.ParallelLent<T>(g.Rows, (long)y.Size * g.KD * g.KH * g.KW, &Rows<T>, g, x, y);
    }

    /// <summary>Output rows [<paramref name="begin"/>, <paramref name="end"/>) of the pooling of <c>args.A</c> into <c>args.B</c>.</summary>
    internal static unsafe void Rows<T>(in KernelArgs args, int begin, int end) where T : unmanaged, INumber<T>
    {
        var g = args.Geo;
        T* x = (T*)args.A, y = (T*)args.B;
        int c = g.C;
        for (int row = begin; row < end; row++)
        {
            int oh = row % g.OH, od = row / g.OH % g.OD, n = row / (g.OH * g.OD);
            var (d0, d1) = PoolGeometry.Range(od, g.SD, g.PD, g.KD, g.D);
            var (h0, h1) = PoolGeometry.Range(oh, g.SH, g.PH, g.KH, g.H);
            for (int ow = 0; ow < g.OW; ow++)
            {
                var (w0, w1) = PoolGeometry.Range(ow, g.SW, g.PW, g.KW, g.W);
                var dst = new Span<T>(y + ((long)row * g.OW + ow) * c, c);
                bool first = true;
                for (int d = d0; d < d1; d++)
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                        {
                            var src = new ReadOnlySpan<T>(x + ((((long)n * g.D + d) * g.H + h) * g.W + w) * c, c);
                            if (first) { src.CopyTo(dst); first = false; }
                            else TensorPrimitives.Max(dst, src, dst);
                        }
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new MaxPoolGradOp(Window, Strides, Pads), g, inputs[0])];

    /// <summary>
    /// For output rows [<paramref name="begin"/>, <paramref name="end"/>): finds each window's first largest cell of
    /// <paramref name="x"/> per channel (vectorised over channels: a running maximum and the ordinal of the cell that
    /// set it) and either adds <paramref name="pooled"/> there into <paramref name="full"/> (<paramref name="scatter"/>:
    /// MaxPoolGrad) or reads <paramref name="full"/> there into <paramref name="pooled"/> (MaxPoolGradGrad).
    /// </summary>
    internal static unsafe void RouteRows<T>(PoolGeometry g, T* x, T* pooled, T* full, int begin, int end, bool scatter) where T : unmanaged, INumber<T>
    {
        int cells = g.KD * g.KH * g.KW, c = g.C, lanes = Vector<T>.Count;
        Span<long> offsets = cells <= 1024 ? stackalloc long[cells] : new long[cells];
        for (int row = begin; row < end; row++)
        {
            int oh = row % g.OH, od = row / g.OH % g.OD, n = row / (g.OH * g.OD);
            var (d0, d1) = PoolGeometry.Range(od, g.SD, g.PD, g.KD, g.D);
            var (h0, h1) = PoolGeometry.Range(oh, g.SH, g.PH, g.KH, g.H);
            for (int ow = 0; ow < g.OW; ow++)
            {
                var (w0, w1) = PoolGeometry.Range(ow, g.SW, g.PW, g.KW, g.W);
                int count = 0;
                for (int d = d0; d < d1; d++)
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            offsets[count++] = ((((long)n * g.D + d) * g.H + h) * g.W + w) * c;
                if (count == 0) continue;
                long at = ((long)row * g.OW + ow) * c;
                int ch = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    for (; ch + lanes <= c; ch += lanes)
                    {
                        var best = Vector.Load(x + offsets[0] + ch);
                        var bestCell = Vector<T>.Zero;
                        for (int k = 1; k < count; k++)
                        {
                            var v = Vector.Load(x + offsets[k] + ch);
                            var greater = Vector.GreaterThan(v, best);
                            best = Vector.ConditionalSelect(greater, v, best);
                            bestCell = Vector.ConditionalSelect(greater, new Vector<T>(T.CreateTruncating(k)), bestCell);
                        }
                        for (int j = 0; j < lanes; j++)
                        {
                            long cell = offsets[int.CreateTruncating(bestCell[j])] + ch + j;
                            if (scatter) full[cell] += pooled[at + ch + j];
                            else pooled[at + ch + j] = full[cell];
                        }
                    }
                }
                for (; ch < c; ch++)
                {
                    long bestAt = offsets[0] + ch;
                    for (int k = 1; k < count; k++)
                        if (x[offsets[k] + ch] > x[bestAt]) bestAt = offsets[k] + ch;
                    if (scatter) full[bestAt] += pooled[at + ch];
                    else pooled[at + ch] = full[bestAt];
                }
            }
        }
    }
}

/// <summary>
/// The gradient of <see cref="MaxPoolOp"/>: <c>MaxPoolGrad(g, x)</c> has <c>x</c>'s shape and adds each <c>g</c> value to
/// the first largest cell of its window in <c>x</c>. Linear in <c>g</c>; its gradient with respect to <c>g</c> is
/// <see cref="MaxPoolGradGradOp"/>, and <c>x</c> (which only picks the cells) gets none.
/// </summary>
[Op("MaxPoolGrad")]
public sealed partial class MaxPoolGradOp : PoolOp
{
    /// <summary>Creates the op (the attributes of the <see cref="MaxPoolOp"/> it differentiates).</summary>
    public MaxPoolGradOp(int[] window, int[] strides, int[] pads) : base("MaxPoolGrad", window, strides, pads) { }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "g");
        ExpectSameDType(inputs[0], inputs[1]);
        var pooled = PoolGeometry.OutputShape(Name, inputs[1].Shape, Window, Strides, Pads);
        if (!pooled.IsCompatibleWith(inputs[0].Shape))
            throw new ShapeMismatchException(Name, $"the gradient has shape {inputs[0].Shape} but pooling the input of shape {inputs[1].Shape} gives {pooled}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Compute(inputs, output, reluMask: false);

    /// <summary>
    /// The kernel, optionally times <c>x &gt; 0</c> (<paramref name="reluMask"/>: the plan's fused MaxPoolGrad → ReluGrad
    /// over the relu output the pool read, <c>MaxPoolReluGradStep</c>). Tiling windows run <see cref="MaxPoolTiled"/>.
    /// </summary>
    internal Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output, bool reluMask) => Compute(inputs, output, reluMask, null, out _);

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{Tensor}, KernelOutput, bool)"/>, and when the tiled kernel runs and
    /// <paramref name="imageSums"/> is given (N·C values), each image's column sums of the result as
    /// <see cref="Kernels.ColumnSums.AddBlocks"/> sums a block (<paramref name="summed"/> says whether they were written).
    /// </summary>
    internal Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output, bool reluMask, float[]? imageSums, out bool summed)
        => Compute(inputs, output, reluMask, imageSums, out summed, null, default, null, out _);

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{Tensor}, KernelOutput, bool, float[], out bool)"/>, and when the tiled kernel runs and
    /// <paramref name="convInput"/> and <paramref name="filterPartials"/> fit (<see cref="MaxPoolTiled.FilterPartialsFit"/>),
    /// the per-image kernel-gradient partials of the convolution <paramref name="convShape"/> whose output gradient the
    /// result is (<paramref name="filtered"/> says whether they were written). With <paramref name="resultUnused"/>, when both
    /// the sums and the partials are written the result itself is not (its values are left as they were; the caller uses
    /// only the sums and partials). With <paramref name="route"/> (one byte per pooled value: each window's first largest
    /// cell and relu mask, written by the training forward), the tiled kernel reads it instead of x; the caller guarantees
    /// that the tiled kernel fits (otherwise x must hold the values).
    /// </summary>
    internal Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output, bool reluMask, float[]? imageSums, out bool summed,
        Tensor? convInput, in Kernels.ConvShape convShape, float[]? filterPartials, out bool filtered, bool resultUnused = false, byte[]? route = null)
    {
        var geo = PoolGeometry.Of(inputs[1].Shape, inputs[0].Shape, Window, Strides, Pads);
        summed = false;
        filtered = false;
        if (MaxPoolTiled.Fits(geo, inputs[0].DType) && inputs[1].DType == DType.Float32)
        {
            var tiled = output.Allocate(zeroed: false);
            bool sums = imageSums is not null && geo.C <= Kernels.ColumnSums.MaxBlockedInner && imageSums.Length == geo.N * geo.C;
            bool filter = convInput is not null && filterPartials is not null && convInput.DType == DType.Float32
                && MaxPoolTiled.FilterPartialsFit(geo, convShape, convInput, filterPartials);
            if (tiled.Size > 0)
            {
                MaxPoolTiled.Gradient(geo, inputs[0], inputs[1], tiled, reluMask, sums ? imageSums : null,
                    filter ? convInput : null, convShape, filter ? filterPartials : null, resultUnused && sums && filter, route);
                summed = sums;
                filtered = filter;
            }
            return tiled;
        }
        if (route is not null) throw new InvalidOperationException($"{Name}: a route was given but the tiled kernel does not run this pooling.");
        var r = output.Allocate();
        if (r.DType == DType.Float32) Run<float>(geo, inputs[0], inputs[1], r);
        else Run<double>(geo, inputs[0], inputs[1], r);
        if (reluMask)
        {
            if (r.DType == DType.Float32) ReluGradOp.Mask<float>(r.Lend<float>(), inputs[1].Lend<float>(), r.Lend<float>());
            else ReluGradOp.Mask<double>(r.Lend<double>(), inputs[1].Lend<double>(), r.Lend<double>());
            GC.KeepAlive(inputs[1]);
        }
        return r;
    }

    /// <summary>The general (scattering) kernel whatever the geometry: what the tiled kernel's tests compare with.</summary>
    internal Tensor ComputeGeneral(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var r = output.Allocate();
        var geo = PoolGeometry.Of(inputs[1].Shape, inputs[0].Shape, Window, Strides, Pads);
        if (r.DType == DType.Float32) Run<float>(geo, inputs[0], inputs[1], r);
        else Run<double>(geo, inputs[0], inputs[1], r);
        return r;
    }

    private static unsafe void Run<T>(PoolGeometry geo, Tensor g, Tensor x, Tensor r) where T : unmanaged, INumber<T>
    {
        if (g.Size == 0) return;
        // Windows of one image may overlap, so the images are split between the cores.
        PoolGeometry.ParallelLent<T>(geo.N, (long)g.Size * geo.KD * geo.KH * geo.KW, &Images<T>, geo, g, x, r);
    }

    private static unsafe void Images<T>(in KernelArgs args, int begin, int end) where T : unmanaged, INumber<T>
    {
        int rowsPerImage = args.Geo.OD * args.Geo.OH;
        MaxPoolOp.RouteRows(args.Geo, (T*)args.B, (T*)args.A, (T*)args.C, begin * rowsPerImage, end * rowsPerImage, scatter: true);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new MaxPoolGradGradOp(Window, Strides, Pads), g, inputs[1]), null];
}

/// <summary>
/// The gradient of <see cref="MaxPoolGradOp"/> with respect to its <c>g</c>: <c>MaxPoolGradGrad(h, x)</c> has the pooled
/// shape and reads, for each window of <c>x</c>, <c>h</c> at the window's first largest cell. Its gradient with respect
/// to <c>h</c> is <see cref="MaxPoolGradOp"/> again.
/// </summary>
[Op("MaxPoolGradGrad")]
public sealed partial class MaxPoolGradGradOp : PoolOp
{
    /// <summary>Creates the op (the attributes of the <see cref="MaxPoolOp"/>).</summary>
    public MaxPoolGradGradOp(int[] window, int[] strides, int[] pads) : base("MaxPoolGradGrad", window, strides, pads) { }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "h");
        ExpectSameDType(inputs[0], inputs[1]);
        if (!inputs[0].Shape.IsCompatibleWith(inputs[1].Shape))
            throw new ShapeMismatchException(Name, $"h has shape {inputs[0].Shape} but the pooled input has shape {inputs[1].Shape}.", inputs[0].Shape, inputs[1].Shape);
        return new(PoolGeometry.OutputShape(Name, inputs[1].Shape, Window, Strides, Pads), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var r = output.Allocate(zeroed: false);
        var geo = PoolGeometry.Of(inputs[1].Shape, output.Shape, Window, Strides, Pads);
        if (r.DType == DType.Float32) Run<float>(geo, inputs[0], inputs[1], r);
        else Run<double>(geo, inputs[0], inputs[1], r);
        return r;
    }

    private static unsafe void Run<T>(PoolGeometry geo, Tensor h, Tensor x, Tensor r) where T : unmanaged, INumber<T>
    {
        if (r.Size == 0) return;
        PoolGeometry.ParallelLent<T>(geo.Rows, (long)r.Size * geo.KD * geo.KH * geo.KW, &Rows<T>, geo, h, x, r);
    }

    private static unsafe void Rows<T>(in KernelArgs args, int begin, int end) where T : unmanaged, INumber<T>
        => MaxPoolOp.RouteRows(args.Geo, (T*)args.B, (T*)args.C, (T*)args.A, begin, end, scatter: false);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new MaxPoolGradOp(Window, Strides, Pads), g, inputs[1]), null];
}

public static partial class Ops
{
    /// <summary>
    /// Max pooling of a channels-last <paramref name="x"/> <c>(N, *spatial, C)</c> (1 to 3 spatial axes): windows of
    /// <paramref name="window"/> cells moved by <paramref name="strides"/>, after padding by <paramref name="pads"/>
    /// (<c>[begins..., ends...]</c>, padded cells are ignored).
    /// </summary>
    public static Tensor MaxPool(Tensor x, int[] window, int[] strides, int[] pads) => OpRunner.Run(new MaxPoolOp(window, strides, pads), x);
}
