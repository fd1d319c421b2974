using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Repeats <c>x</c> <c>Multiples[i]</c> times along each axis, like <c>tf.tile</c>.</summary>
[Op("Tile")]
public sealed partial class TileOp(int[] multiples) : Op
{
    /// <summary>Repetitions per axis.</summary>
    public int[] Multiples { get; } = multiples;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        if (Multiples.Length != s.Rank)
            throw new ShapeMismatchException(Name, $"multiples [{string.Join(", ", Multiples)}] need one entry per axis of input shape {s}.", s);
        var dims = new int[s.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            int m = Multiples[i];
            if (m < 0) throw new ShapeMismatchException(Name, $"multiples [{string.Join(", ", Multiples)}] must not be negative (input shape {s}).", s);
            dims[i] = m == 1 ? s[i] : m == 0 ? 0 : s[i] == Shape.Unknown ? Shape.Unknown : s[i] * m;
        }
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        if (output.Shape.Size == 0) return output.Allocate();
        return IndexCopy.Take(x, output, x.Shape.ToArray(), x.Shape.Strides());
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new TileGradOp(Multiples), g, inputs[0])];
}

/// <summary>The gradient of <see cref="TileOp"/>: sums the tiles of <c>g</c> into the shape of <c>x</c> (its second input).</summary>
[Op("TileGrad")]
public sealed partial class TileGradOp(int[] multiples) : Op
{
    /// <summary>Repetitions per axis.</summary>
    public int[] Multiples { get; } = multiples;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "g");
        if (inputs[0].Shape.Rank != inputs[1].Shape.Rank)
            throw new ShapeMismatchException(Name, $"gradient of shape {inputs[0].Shape} does not match input of shape {inputs[1].Shape}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var g = inputs[0];
        var xs = output.Shape;
        var r = output.Allocate();
        if (g.Size == 0) return r;
        var table = IndexCopy.Table(g.Shape, xs.ToArray(), xs.Strides());
        if (g.DType == DType.Float32) Accumulate(g.AsSpan<float>(), r.Data<float>(), table);
        else Accumulate(g.AsSpan<double>(), r.Data<double>(), table);
        return r;
    }

    private static void Accumulate<T>(ReadOnlySpan<T> g, Span<T> d, int[] table) where T : System.Numerics.INumber<T>
    {
        for (int i = 0; i < g.Length; i++) d[table[i]] += g[i];
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Tile(g, Multiples), null];
}

public static partial class Ops
{
    /// <summary>Repeats <paramref name="x"/> <paramref name="multiples"/>[i] times along axis i.</summary>
    public static Tensor Tile(Tensor x, int[] multiples) => OpRunner.Run(new TileOp(multiples), x);
}
