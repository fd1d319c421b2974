using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// N-dimensional convolution (1D, 2D or 3D), channels_last: input <c>(N, *spatial, Cin)</c>, kernel
/// <c>(*window, Cin/groups, Cout)</c> as Keras stores Conv kernels, output <c>(N, *out, Cout)</c> with
/// <c>out = floor((in + pad_begin + pad_end − (k − 1)·d − 1) / s) + 1</c>. Like Keras and TensorFlow it is a
/// cross-correlation (the kernel is not flipped). <c>groups</c> splits the channels into independent convolutions
/// (groups = Cin is a depthwise convolution). Gradients: <see cref="ConvTransposeOp"/> (input) and
/// <see cref="ConvFilterGradOp"/> (kernel).
/// </summary>
[Op("Conv")]
public sealed partial class ConvOp : Op
{
    /// <summary>Creates the op; see <see cref="Ops.Conv"/>.</summary>
    public ConvOp(int[] strides, int[] pads, int[] dilations, int groups)
    {
        ConvAttributes.Check("Conv", strides, pads, dilations, groups);
        Strides = strides;
        Pads = pads;
        Dilations = dilations;
        Groups = groups;
    }

    /// <summary>The step of the window along each spatial axis.</summary>
    public int[] Strides { get; }
    /// <summary>Zeros added to each spatial axis, ONNX order: <c>[begin_0 … begin_{r-1}, end_0 … end_{r-1}]</c>.</summary>
    public int[] Pads { get; }
    /// <summary>The spacing of the window's taps along each spatial axis.</summary>
    public int[] Dilations { get; }
    /// <summary>The number of channel groups (1: a full convolution; Cin: depthwise).</summary>
    public int Groups { get; }

    /// <summary>The spatial rank (1, 2 or 3).</summary>
    public int SpatialRank => Strides.Length;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        ExpectFloating(inputs[0], "input");
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        int r = SpatialRank;
        ConvAttributes.ExpectRank(Name, "the input", x, r, x, w);
        ConvAttributes.ExpectKernelRank(Name, w, r, x, w);
        int cin = x[^1], perGroup = w[^2], cout = w[^1];
        ConvAttributes.ExpectDivisible(Name, "the input channels", cin, Groups, x, w);
        ConvAttributes.ExpectDivisible(Name, "the kernel's output channels", cout, Groups, x, w);
        if (cin != Shape.Unknown && perGroup != Shape.Unknown && cin != perGroup * Groups)
            throw new ShapeMismatchException(Name, Groups == 1
                ? $"the input has {cin} channels but the kernel of shape {w} expects {perGroup} (its second-to-last axis). Input shape {x}."
                : $"the input has {cin} channels but the kernel of shape {w} expects {perGroup} per group × {Groups} groups = {perGroup * Groups}. Input shape {x}.", x, w);
        var o = ConvAttributes.OutputSpatial(Name, x, w.Dims[..r], Strides, Pads, Dilations, x, w);
        var dims = new int[r + 2];
        dims[0] = x[0];
        o.CopyTo(dims, 1);
        dims[^1] = cout;
        return new(new Shape(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor x = inputs[0], w = inputs[1];
        var y = output.Allocate(zeroed: false);
        var s = ConvAttributes.KernelShape(x.Shape, output.Shape, w.Shape.Dims[..SpatialRank], Strides, Pads, Dilations, Groups);
        if (x.DType == DType.Float32) ConvKernels.Forward(x.Lend<float>(), w.Lend<float>(), y.Lend<float>(), s);
        else ConvKernels.Forward(x.Lend<double>(), w.Lend<double>(), y.Lend<double>(), s);
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(x);
        GC.KeepAlive(w);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => Gradient(g, inputs, output, [true, true]);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
    {
        Tensor x = inputs[0], w = inputs[1];
        int r = SpatialRank;
        return
        [
            needed[0] ? Ops.ConvTranspose(g, w, x.Shape.Dims.Slice(1, r).ToArray(), Strides, Pads, Dilations, Groups) : null,
            needed[1] ? OpRunner.Run(new ConvFilterGradOp(w.Shape.Dims[..r].ToArray(), Strides, Pads, Dilations, Groups), x, g) : null,
        ];
    }
}

public static partial class Ops
{
    /// <summary>
    /// Convolution (1D, 2D or 3D, channels_last): <paramref name="input"/> <c>(N, *spatial, Cin)</c> with
    /// <paramref name="kernel"/> <c>(*window, Cin/groups, Cout)</c> → <c>(N, *out, Cout)</c>. <paramref name="pads"/> is
    /// <c>[begin_0 … begin_{r-1}, end_0 … end_{r-1}]</c> (<see cref="ConvGeometry.Pads"/> turns Keras's padding names into it).
    /// </summary>
    public static Tensor Conv(Tensor input, Tensor kernel, int[] strides, int[] pads, int[] dilations, int groups = 1)
        => OpRunner.Run(new ConvOp(strides, pads, dilations, groups), input, kernel);
}
