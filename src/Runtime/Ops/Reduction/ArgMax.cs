using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Index of the largest (or, with <see cref="Smallest"/>, smallest) element along <see cref="Axis"/>, or
/// the flat index over all elements when the axis is null. The result is int64, like TensorFlow; on ties
/// the first index wins. No gradient.
/// </summary>
[Op("ArgMax")]
[Op("ArgMin")]
public sealed partial class ArgMaxOp(int? axis, bool keepDims, bool smallest) : Op
{
    /// <summary>The axis searched; null: all elements (flat index).</summary>
    public int? Axis { get; } = axis;
    /// <summary>Whether the searched axis stays as size 1.</summary>
    public bool KeepDims { get; } = keepDims;
    /// <summary>True for argmin.</summary>
    public bool Smallest { get; } = smallest;
    /// <inheritdoc/>
    public override string Name => Smallest ? "ArgMin" : "ArgMax";

    /// <summary>The op named <paramref name="name"/> (ArgMax or ArgMin): the factory of the generated <c>Create</c>.</summary>
    [OpFactory]
    private static ArgMaxOp FromName([OpName] string name, [OpAttr(NullText = "all")] int? axis, [OpAttr("keepdims")] bool keepDims)
        => new(axis, keepDims, name == "ArgMin");

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectNumeric(inputs[0]);
        var s = inputs[0].Shape;
        int[]? axes = Axis is int a ? [AxisLoop.Normalize(Name, s, a)] : null;
        var mask = Reduce.Mask(Name, s, axes);
        for (int i = 0; i < s.Rank; i++)
            if (mask[i] && s[i] == 0)
                throw new ShapeMismatchException(Name, $"cannot search an empty axis {i} of input shape {s}.", s);
        if (s.Rank == 0 && Axis is not null)
            throw new ShapeMismatchException(Name, $"axis {Axis} is out of range for a scalar input.", s);
        return new(Reduce.OutputShape(Name, s, axes, KeepDims, out _), DType.Int64);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var loop = Axis is int a ? AxisLoop.For(x.Shape, AxisLoop.Normalize(Name, x.Shape, a)) : new AxisLoop(1, x.Size, 1);
        var result = output.Allocate();
        var d = result.Data<long>();
        switch (x.DType)
        {
            case DType.Float32: Run(x.AsSpan<float>(), d, loop, Smallest); break;
            case DType.Float64: Run(x.AsSpan<double>(), d, loop, Smallest); break;
            case DType.Int32: Run(x.AsSpan<int>(), d, loop, Smallest); break;
            case DType.Int64: Run(x.AsSpan<long>(), d, loop, Smallest); break;
        }
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> x, Span<long> d, AxisLoop loop, bool smallest) where T : INumber<T>
    {
        int n = loop.Length, inner = loop.Inner;
        for (int o = 0; o < loop.Outer; o++)
        {
            for (int j = 0; j < inner; j++)
            {
                int start = o * n * inner + j;
                T best = x[start];
                int bestK = 0;
                for (int k = 1; k < n; k++)
                {
                    var v = x[start + k * inner];
                    if (smallest ? v < best : v > best) { best = v; bestK = k; }
                }
                d[o * inner + j] = bestK;
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [null];
}

public static partial class Ops
{
    /// <summary>Flat index (int64) of the largest element.</summary>
    public static Tensor ArgMax(Tensor x) => OpRunner.Run(new ArgMaxOp(null, false, false), x);
    /// <summary>Index (int64) of the largest element along <paramref name="axis"/>; ties give the first.</summary>
    public static Tensor ArgMax(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new ArgMaxOp(axis, keepDims, false), x);
    /// <summary>Flat index (int64) of the smallest element.</summary>
    public static Tensor ArgMin(Tensor x) => OpRunner.Run(new ArgMaxOp(null, false, true), x);
    /// <summary>Index (int64) of the smallest element along <paramref name="axis"/>; ties give the first.</summary>
    public static Tensor ArgMin(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new ArgMaxOp(axis, keepDims, true), x);
}
