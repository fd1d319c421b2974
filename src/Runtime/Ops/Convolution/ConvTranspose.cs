using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Transposed convolution (1D, 2D or 3D, channels_last): the gradient of <see cref="ConvOp"/> with respect to its
/// input. Input <c>(N, *in, Cin)</c>, kernel <c>(*window, Cout/groups, Cin)</c> as Keras stores Conv*Transpose
/// kernels (filters second to last), output <c>(N, *OutputSpatial, Cout)</c>. The attributes are those of the
/// convolution it transposes, from <c>(N, *OutputSpatial, Cout)</c> to <c>(N, *in, Cin)</c>: the output sizes must
/// give back the input sizes through that convolution (that is ONNX's ConvTranspose with
/// <c>output_padding = out − ((in − 1)·s + (k − 1)·d + 1 − pad_begin − pad_end)</c>, which lies in [0, s)).
/// </summary>
[Op("ConvTranspose")]
public sealed partial class ConvTransposeOp : Op
{
    /// <summary>Creates the op; see <see cref="Ops.ConvTranspose"/>.</summary>
    public ConvTransposeOp(int[] outputSpatial, int[] strides, int[] pads, int[] dilations, int groups)
    {
        int r = ConvAttributes.Check("ConvTranspose", strides, pads, dilations, groups);
        ArgumentNullException.ThrowIfNull(outputSpatial);
        if (outputSpatial.Length != r || outputSpatial.Any(o => o < 0))
            throw new ArgumentException($"ConvTranspose: outputSpatial must have {r} sizes of zero or more like strides, got [{ConvAttributes.Join(outputSpatial)}].", nameof(outputSpatial));
        OutputSpatial = outputSpatial;
        Strides = strides;
        Pads = pads;
        Dilations = dilations;
        Groups = groups;
    }

    /// <summary>The spatial sizes of the output.</summary>
    public int[] OutputSpatial { get; }
    /// <summary>The strides of the convolution this op transposes.</summary>
    public int[] Strides { get; }
    /// <summary>The pads of the convolution this op transposes (ONNX order), cropped off the output.</summary>
    public int[] Pads { get; }
    /// <summary>The dilations of the convolution this op transposes.</summary>
    public int[] Dilations { get; }
    /// <summary>The number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>The spatial rank (1, 2 or 3).</summary>
    public int SpatialRank => Strides.Length;

    /// <summary>
    /// ONNX's <c>output_padding</c> for an input of spatial sizes <paramref name="inputSpatial"/> and a kernel window
    /// <paramref name="window"/>: the output values past the last window position.
    /// </summary>
    public int[] OutputPadding(ReadOnlySpan<int> inputSpatial, ReadOnlySpan<int> window)
    {
        int r = SpatialRank;
        var p = new int[r];
        for (int i = 0; i < r; i++)
            p[i] = OutputSpatial[i] - ((inputSpatial[i] - 1) * Strides[i] + (window[i] - 1) * Dilations[i] + 1 - Pads[i] - Pads[r + i]);
        return p;
    }

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
        int cin = x[^1], perGroup = w[^2], kernelIn = w[^1];
        if (cin != Shape.Unknown && kernelIn != Shape.Unknown && cin != kernelIn)
            throw new ShapeMismatchException(Name, $"the input has {cin} channels but the kernel of shape {w} expects {kernelIn} (its last axis). Input shape {x}.", x, w);
        ConvAttributes.ExpectDivisible(Name, "the input channels", cin, Groups, x, w);
        var outShape = new int[r + 2];
        outShape[0] = x[0];
        OutputSpatial.CopyTo(outShape, 1);
        outShape[^1] = perGroup == Shape.Unknown ? Shape.Unknown : perGroup * Groups;
        var y = new Shape(outShape);
        var back = ConvAttributes.OutputSpatial(Name, y, w.Dims[..r], Strides, Pads, Dilations, x, w);
        for (int i = 0; i < r; i++)
            if (x[1 + i] != Shape.Unknown && back[i] != Shape.Unknown && back[i] != x[1 + i])
                throw new ShapeMismatchException(Name, $"output size {OutputSpatial[i]} on spatial axis {i} does not fit the input size {x[1 + i]}: the convolution with window {w[i]}, stride {Strides[i]}, dilation {Dilations[i]} and pads [{Pads[i]}, {Pads[r + i]}] takes {OutputSpatial[i]} values to {back[i]}, not {x[1 + i]}. Input {x}, kernel {w}.", x, w);
        return new(y, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor x = inputs[0], w = inputs[1];
        var y = output.Allocate(zeroed: false);
        // The convolution being transposed goes from y's shape to x's.
        var s = ConvAttributes.KernelShape(output.Shape, x.Shape, w.Shape.Dims[..SpatialRank], Strides, Pads, Dilations, Groups);
        if (x.DType == DType.Float32) ConvKernels.BackwardData(x.Lend<float>(), w.Lend<float>(), y.Lend<float>(), s);
        else ConvKernels.BackwardData(x.Lend<double>(), w.Lend<double>(), y.Lend<double>(), s);
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
            needed[0] ? Ops.Conv(g, w, Strides, Pads, Dilations, Groups) : null,
            needed[1] ? OpRunner.Run(new ConvFilterGradOp(w.Shape.Dims[..r].ToArray(), Strides, Pads, Dilations, Groups), g, x) : null,
        ];
    }
}

public static partial class Ops
{
    /// <summary>
    /// Transposed convolution (1D, 2D or 3D, channels_last), the gradient of <see cref="Conv"/> with respect to its
    /// input: <paramref name="input"/> <c>(N, *in, Cin)</c> with <paramref name="kernel"/> <c>(*window, Cout/groups, Cin)</c>
    /// → <c>(N, *outputSpatial, Cout)</c>. <paramref name="strides"/>, <paramref name="pads"/> and
    /// <paramref name="dilations"/> are those of the convolution from the output's shape to the input's
    /// (<see cref="ConvGeometry.TransposePads"/> and <see cref="ConvGeometry.TransposeOutputLength"/> give Keras's).
    /// </summary>
    public static Tensor ConvTranspose(Tensor input, Tensor kernel, int[] outputSpatial, int[] strides, int[] pads, int[] dilations, int groups = 1)
        => OpRunner.Run(new ConvTransposeOp(outputSpatial, strides, pads, dilations, groups), input, kernel);
}
