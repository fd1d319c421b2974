using System.Numerics;
using System.Numerics.Tensors;

namespace LayerGen.Operations;

/// <summary>
/// Average pooling over the spatial axes of a channels-last input <c>(N, *spatial, C)</c> with 1 to 3 spatial axes:
/// each output cell is the mean of the input cells in its window; padded cells are not counted (TensorFlow's and
/// Keras's <c>same</c>, ONNX's <c>count_include_pad=0</c>). <see cref="PoolOp.Pads"/> is in ONNX order
/// <c>[begin_0 .. begin_{r-1}, end_0 .. end_{r-1}]</c>. The gradient spreads <c>g</c> back over each window
/// (<see cref="AvgPoolGradOp"/>).
/// </summary>
[Op("AvgPool")]
public sealed partial class AvgPoolOp : PoolOp
{
    /// <summary>Creates the op; throws <see cref="OpAttributeException"/> for bad windows, strides or pads.</summary>
    public AvgPoolOp(int[] window, int[] strides, int[] pads) : base("AvgPool", window, strides, pads) { }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectFloating(inputs[0]);
        return new(PoolGeometry.OutputShape(Name, inputs[0].Shape, Window, Strides, Pads), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var y = output.Allocate(zeroed: false);
        var geo = PoolGeometry.Of(inputs[0].Shape, output.Shape, Window, Strides, Pads);
        if (y.DType == DType.Float32) Run<float>(geo, inputs[0], y);
        else Run<double>(geo, inputs[0], y);
        return y;
    }

    internal static unsafe void Run<T>(PoolGeometry geo, Tensor x, Tensor y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Size == 0) return;
        PoolGeometry.ParallelLent<T>(geo.Rows, (long)y.Size * geo.KD * geo.KH * geo.KW, &Rows<T>, geo, x, y);
    }

    private static unsafe void Rows<T>(in KernelArgs args, int begin, int end) where T : unmanaged, IFloatingPointIeee754<T>
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
                dst.Clear();
                for (int d = d0; d < d1; d++)
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            TensorPrimitives.Add(dst, new ReadOnlySpan<T>(x + ((((long)n * g.D + d) * g.H + h) * g.W + w) * c, c), dst);
                int count = (d1 - d0) * (h1 - h0) * (w1 - w0);
                TensorPrimitives.Divide(dst, T.CreateChecked(count), dst);
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new AvgPoolGradOp(Window, Strides, Pads), g, inputs[0])];
}

/// <summary>
/// The gradient of <see cref="AvgPoolOp"/>: <c>AvgPoolGrad(g, x)</c> has <c>x</c>'s shape (only <c>x</c>'s shape is read)
/// and adds each <c>g</c> value divided by its window's count of unpadded cells to every cell of the window. Its
/// gradient with respect to <c>g</c> is <see cref="AvgPoolOp"/> again.
/// </summary>
[Op("AvgPoolGrad")]
public sealed partial class AvgPoolGradOp : PoolOp
{
    /// <summary>Creates the op (the attributes of the <see cref="AvgPoolOp"/> it differentiates).</summary>
    public AvgPoolGradOp(int[] window, int[] strides, int[] pads) : base("AvgPoolGrad", window, strides, pads) { }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "g");
        var pooled = PoolGeometry.OutputShape(Name, inputs[1].Shape, Window, Strides, Pads);
        if (!pooled.IsCompatibleWith(inputs[0].Shape))
            throw new ShapeMismatchException(Name, $"the gradient has shape {inputs[0].Shape} but pooling the input of shape {inputs[1].Shape} gives {pooled}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var r = output.Allocate();
        var geo = PoolGeometry.Of(inputs[1].Shape, inputs[0].Shape, Window, Strides, Pads);
        if (r.DType == DType.Float32) Run<float>(geo, inputs[0], r);
        else Run<double>(geo, inputs[0], r);
        return r;
    }

    private static unsafe void Run<T>(PoolGeometry geo, Tensor g, Tensor r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Size == 0) return;
        // Windows of one image may overlap, so the images are split between the cores.
        PoolGeometry.ParallelLent<T>(geo.N, (long)g.Size * geo.KD * geo.KH * geo.KW, &Images<T>, geo, g, r);
    }

    private static unsafe void Images<T>(in KernelArgs args, int begin, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var geo = args.Geo;
        T* gg = (T*)args.A, rr = (T*)args.B;
        int c = geo.C, rowsPerImage = geo.OD * geo.OH;
        for (int row = begin * rowsPerImage; row < end * rowsPerImage; row++)
        {
            int oh = row % geo.OH, od = row / geo.OH % geo.OD, n = row / (geo.OH * geo.OD);
            var (d0, d1) = PoolGeometry.Range(od, geo.SD, geo.PD, geo.KD, geo.D);
            var (h0, h1) = PoolGeometry.Range(oh, geo.SH, geo.PH, geo.KH, geo.H);
            for (int ow = 0; ow < geo.OW; ow++)
            {
                var (w0, w1) = PoolGeometry.Range(ow, geo.SW, geo.PW, geo.KW, geo.W);
                var src = new ReadOnlySpan<T>(gg + ((long)row * geo.OW + ow) * c, c);
                T scale = T.One / T.CreateChecked((d1 - d0) * (h1 - h0) * (w1 - w0));
                for (int d = d0; d < d1; d++)
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                        {
                            var dst = new Span<T>(rr + ((((long)n * geo.D + d) * geo.H + h) * geo.W + w) * c, c);
                            TensorPrimitives.MultiplyAdd(src, scale, dst, dst);
                        }
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new AvgPoolOp(Window, Strides, Pads), g), null];
}

public static partial class Ops
{
    /// <summary>
    /// Average pooling of a channels-last <paramref name="x"/> <c>(N, *spatial, C)</c> (1 to 3 spatial axes): windows of
    /// <paramref name="window"/> cells moved by <paramref name="strides"/>, after padding by <paramref name="pads"/>
    /// (<c>[begins..., ends...]</c>); padded cells are not counted in the mean.
    /// </summary>
    public static Tensor AvgPool(Tensor x, int[] window, int[] strides, int[] pads) => OpRunner.Run(new AvgPoolOp(window, strides, pads), x);
}
