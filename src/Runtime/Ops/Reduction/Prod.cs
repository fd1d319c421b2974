using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Product over axes (all when none are given). The gradient is <c>g</c> times the product of the
/// other elements of each group, computed without dividing, so inputs containing zeros get exact gradients.
/// </summary>
[Op("Prod")]
public sealed partial class ProdOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
    {
        output.Fill(T.One);
        Reduce.Run(x, shape, mask, output, TensorPrimitives.Product, TensorPrimitives.Multiply, static (a, b) => a * b);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var kept = Reduce.Kept(g, x.Shape, Axes, KeepDims, Name);
        return [Ops.Mul(Ops.BroadcastToLike(kept, x), OpRunner.Run(new ProdExceptSelfOp(Axes), x))];
    }
}

/// <summary>
/// For each element, the product of the other elements of its group over <see cref="Axes"/> (the gradient
/// of <see cref="ProdOp"/>). Exact with zeros. Its own gradient divides by <c>x</c>, so second derivatives
/// of products are only right for inputs without zeros.
/// </summary>
[Op("ProdExceptSelf")]
public sealed partial class ProdExceptSelfOp(int[]? axes) : Op
{
    /// <summary>The axes grouped; null means all.</summary>
    public int[]? Axes { get; } = axes;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectFloating(inputs[0]);
        Reduce.Mask(Name, inputs[0].Shape, Axes);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var mask = Reduce.Mask(Name, x.Shape, Axes);
        var outShape = Reduce.OutputShape(Name, x.Shape, Axes, true, out _);
        var map = Reduce.OutputIndex(x.Shape, mask);
        var result = output.Allocate();
        if (x.DType == DType.Float32) Run(x.AsSpan<float>(), result.Data<float>(), map, outShape.Size);
        else Run(x.AsSpan<double>(), result.Data<double>(), map, outShape.Size);
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> x, Span<T> d, int[] map, int groups) where T : INumber<T>
    {
        var nonzeroProduct = new T[groups];
        var zeros = new int[groups];
        nonzeroProduct.AsSpan().Fill(T.One);
        for (int i = 0; i < x.Length; i++)
        {
            if (T.IsZero(x[i])) zeros[map[i]]++;
            else nonzeroProduct[map[i]] *= x[i];
        }
        for (int i = 0; i < x.Length; i++)
        {
            int gi = map[i];
            d[i] = zeros[gi] switch
            {
                0 => nonzeroProduct[gi] / x[i],
                1 => T.IsZero(x[i]) ? nonzeroProduct[gi] : T.Zero,
                _ => T.Zero,
            };
        }
    }

    /// <summary>
    /// d/dx_j of <c>sum_i h_i P_i</c> (P_i: product without i) is <c>sum_{i != j} h_i P_i / x_j</c>
    /// = <c>(sum(h P) - h_j P_j) / x_j</c>, valid where x has no zeros.
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var hp = Ops.Mul(g, output);
        var total = Ops.BroadcastToLike(Ops.Sum(hp, Axes, keepDims: true), x);
        return [Ops.Div(Ops.Sub(total, hp), x)];
    }
}

public static partial class Ops
{
    /// <summary>Product of all elements.</summary>
    public static Tensor Prod(Tensor x) => OpRunner.Run(new ProdOp(null, false), x);
    /// <summary>Product over <paramref name="axes"/> (all when null), keeping them as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Prod(Tensor x, int[]? axes, bool keepDims = false) => OpRunner.Run(new ProdOp(axes, keepDims), x);
    /// <summary>Product over one axis.</summary>
    public static Tensor Prod(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new ProdOp([axis], keepDims), x);
}
