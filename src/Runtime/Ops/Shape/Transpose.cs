using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Permutes axes: output axis <c>i</c> is input axis <c>Perm[i]</c>. Null reverses the axes.</summary>
[Op("Transpose")]
public sealed partial class TransposeOp(int[]? perm) : Op
{
    /// <summary>The permutation; null reverses the axes.</summary>
    public int[]? Perm { get; } = perm;

    private int[] Resolve(Shape s)
    {
        int r = s.Rank;
        if (Perm is null)
        {
            var rev = new int[r];
            for (int i = 0; i < r; i++) rev[i] = r - 1 - i;
            return rev;
        }
        if (Perm.Length != r)
            throw new ShapeMismatchException(Name, $"perm [{string.Join(", ", Perm)}] needs {r} entries for input of shape {s}.", s);
        var seen = new bool[r];
        var p = new int[r];
        for (int i = 0; i < r; i++)
        {
            int a = Perm[i] < 0 ? Perm[i] + r : Perm[i];
            if (a < 0 || a >= r || seen[a])
                throw new ShapeMismatchException(Name, $"perm [{string.Join(", ", Perm)}] is not a permutation of the axes of shape {s}.", s);
            seen[a] = true;
            p[i] = a;
        }
        return p;
    }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        var p = Resolve(s);
        var dims = new int[s.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = s[p[i]];
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var layout = _layout;
        if (layout is null || layout.Input != x.Shape)
        {
            var p = Resolve(x.Shape);
            var inStrides = x.Shape.Strides();
            var strides = new int[p.Length];
            for (int i = 0; i < p.Length; i++) strides[i] = inStrides[p[i]];
            _layout = layout = new CopyLayout(x.Shape, output.Shape.ToArray(), strides);
        }
        return IndexCopy.Take(x, output, layout.Mod, layout.Strides);
    }

    /// <summary>The last input shape's output dims and permuted strides, kept so a planned run allocates nothing.</summary>
    private sealed record CopyLayout(Shape Input, int[] Mod, int[] Strides);

    private CopyLayout? _layout;

    /// <summary>The inverse permutation applied to <c>g</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var p = Resolve(inputs[0].Shape);
        var inv = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inv[p[i]] = i;
        return [Ops.Transpose(g, inv)];
    }
}

public static partial class Ops
{
    /// <summary>Permutes the axes of <paramref name="x"/> (reverses them when <paramref name="perm"/> is null).</summary>
    public static Tensor Transpose(Tensor x, int[]? perm = null) => OpRunner.Run(new TransposeOp(perm), x);
}
