using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// What sum, mean, max, min and prod share: the axes and keepdims attributes, the shape rule (reduced
/// axes dropped, or kept as size 1) and the dtype dispatch of the kernel. Each op supplies its fold.
/// </summary>
public abstract class ReductionOp(int[]? axes, bool keepDims) : Op
{
    /// <summary>The axes reduced; null means all.</summary>
    public int[]? Axes { get; } = axes;

    /// <summary>Whether reduced axes stay as size 1.</summary>
    public bool KeepDims { get; } = keepDims;

    /// <inheritdoc/>
    public override string DescribeAttributes() => $"axes={(Axes is null ? "all" : "[" + string.Join(", ", Axes) + "]")}, keepdims={KeepDims}";

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectNumeric(inputs[0]);
        return new(Reduce.OutputShape(Name, inputs[0].Shape, Axes, KeepDims, out _), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var mask = MaskFor(x.Shape);
        var result = output.Allocate();
        switch (x.DType)
        {
            case DType.Float32: ReduceInto(x.Lend<float>(), x.Shape, mask, result.Lend<float>()); break;
            case DType.Float64: ReduceInto(x.Lend<double>(), x.Shape, mask, result.Lend<double>()); break;
            case DType.Int32: ReduceInto(x.Lend<int>(), x.Shape, mask, result.Lend<int>()); break;
            case DType.Int64: ReduceInto(x.Lend<long>(), x.Shape, mask, result.Lend<long>()); break;
        }
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(x);
        return result;
    }

    /// <summary>The reduced axes for an input shape; the last one is kept, since a graph node sees the same shape every run.</summary>
    private bool[] MaskFor(Shape shape)
    {
        // One immutable entry, replaced whole: safe when two threads run the same op (ops are shared by graphs).
        if (_mask is { } m && m.Shape == shape) return m.Reduced;
        var reduced = Reduce.Mask(Name, shape, Axes);
        _mask = new MaskEntry(shape, reduced);
        return reduced;
    }

    private MaskEntry? _mask;

    private sealed record MaskEntry(Shape Shape, bool[] Reduced);

    /// <summary>The kernel: folds <paramref name="x"/> over the <paramref name="mask"/>ed axes into <paramref name="output"/>.</summary>
    private protected abstract void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output) where T : INumber<T>;
}
