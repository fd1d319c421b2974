using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of <see cref="ConvOp"/> with respect to its kernel: from the convolution's input <c>x</c>
/// <c>(N, *in, Cin)</c> and the gradient of its output <c>dy</c> <c>(N, *out, Cout)</c>, the kernel-shaped
/// <c>(*Window, Cin/groups, Cout)</c> sum over the batch and positions of input window × output gradient. Also the kernel
/// gradient of <see cref="ConvTransposeOp"/> (with the roles of its two inputs swapped). Its own gradients are a
/// <see cref="ConvTransposeOp"/> (for x) and a <see cref="ConvOp"/> (for dy), so second derivatives work.
/// </summary>
[Op("ConvFilterGrad")]
public sealed partial class ConvFilterGradOp : Op
{
    /// <summary>Creates the op for a convolution with a kernel window of <paramref name="window"/>.</summary>
    public ConvFilterGradOp(int[] window, int[] strides, int[] pads, int[] dilations, int groups)
    {
        ConvAttributes.Check("ConvFilterGrad", strides, pads, dilations, groups, window);
        Window = window;
        Strides = strides;
        Pads = pads;
        Dilations = dilations;
        Groups = groups;
    }

    /// <summary>The kernel's spatial window.</summary>
    public int[] Window { get; }
    /// <summary>The convolution's strides.</summary>
    public int[] Strides { get; }
    /// <summary>The convolution's pads (ONNX order).</summary>
    public int[] Pads { get; }
    /// <summary>The convolution's dilations.</summary>
    public int[] Dilations { get; }
    /// <summary>The convolution's channel groups.</summary>
    public int Groups { get; }

    /// <summary>The spatial rank (1, 2 or 3).</summary>
    public int SpatialRank => Strides.Length;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        ExpectFloating(inputs[0], "input");
        Shape x = inputs[0].Shape, dy = inputs[1].Shape;
        int r = SpatialRank;
        ConvAttributes.ExpectRank(Name, "the input", x, r, x, dy);
        ConvAttributes.ExpectRank(Name, "the output gradient", dy, r, x, dy);
        if (x[0] != Shape.Unknown && dy[0] != Shape.Unknown && x[0] != dy[0])
            throw new ShapeMismatchException(Name, $"the input and the output gradient have different batch sizes: {x} and {dy}.", x, dy);
        int cin = x[^1], cout = dy[^1];
        ConvAttributes.ExpectDivisible(Name, "the input channels", cin, Groups, x, dy);
        ConvAttributes.ExpectDivisible(Name, "the output gradient's channels", cout, Groups, x, dy);
        var o = ConvAttributes.OutputSpatial(Name, x, Window, Strides, Pads, Dilations, x, dy);
        for (int i = 0; i < r; i++)
            if (o[i] != Shape.Unknown && dy[1 + i] != Shape.Unknown && o[i] != dy[1 + i])
                throw new ShapeMismatchException(Name, $"the output gradient {dy} does not fit the convolution of the input {x}: spatial axis {i} has {dy[1 + i]} values, the convolution gives {o[i]}.", x, dy);
        var dims = new int[r + 2];
        Window.CopyTo(dims, 0);
        dims[r] = cin == Shape.Unknown ? Shape.Unknown : cin / Groups;
        dims[r + 1] = cout;
        return new(new Shape(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor x = inputs[0], dy = inputs[1];
        var dw = output.Allocate(zeroed: false);
        var s = ConvAttributes.KernelShape(x.Shape, dy.Shape, Window, Strides, Pads, Dilations, Groups);
        if (x.DType == DType.Float32) ConvKernels.BackwardFilter(x.Lend<float>(), dy.Lend<float>(), dw.Lend<float>(), s);
        else ConvKernels.BackwardFilter(x.Lend<double>(), dy.Lend<double>(), dw.Lend<double>(), s);
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(x);
        GC.KeepAlive(dy);
        return dw;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0], dy = inputs[1];
        return
        [
            Ops.ConvTranspose(dy, g, x.Shape.Dims.Slice(1, SpatialRank).ToArray(), Strides, Pads, Dilations, Groups),
            Ops.Conv(x, g, Strides, Pads, Dilations, Groups),
        ];
    }
}
