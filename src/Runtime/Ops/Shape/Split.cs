namespace LayerGen.Operations;

public static partial class Ops
{
    /// <summary>Splits <paramref name="x"/> into <paramref name="num"/> equal parts along <paramref name="axis"/> (one <see cref="Slice"/> each).</summary>
    public static Tensor[] Split(Tensor x, int num, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = Kernels.AxisLoop.Normalize("Split", x.Shape, axis);
        int d = x.Shape[a];
        if (num <= 0) throw new ArgumentOutOfRangeException(nameof(num), $"Split: the number of parts must be positive, got {num}.");
        if (d == Shape.Unknown)
            throw new ShapeMismatchException("Split", $"axis {axis} of shape {x.Shape} has unknown size; give the sizes explicitly.", x.Shape);
        if (d % num != 0)
            throw new ShapeMismatchException("Split", $"axis {axis} of shape {x.Shape} (size {d}) cannot be split into {num} equal parts.", x.Shape);
        var sizes = new int[num];
        Array.Fill(sizes, d / num);
        return SplitAt(x, sizes, a);
    }

    /// <summary>Splits <paramref name="x"/> into parts of the given <paramref name="sizes"/> along <paramref name="axis"/>; one size may be -1 (the rest).</summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sizes);
        int a = Kernels.AxisLoop.Normalize("Split", x.Shape, axis);
        int d = x.Shape[a];
        int unknownAt = -1, known = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1)
            {
                if (unknownAt >= 0) throw new ShapeMismatchException("Split", $"sizes [{string.Join(", ", sizes)}] have more than one -1.", x.Shape);
                unknownAt = i;
            }
            else if (sizes[i] < 0) throw new ShapeMismatchException("Split", $"sizes [{string.Join(", ", sizes)}] must not be negative.", x.Shape);
            else known += sizes[i];
        }
        var resolved = (int[])sizes.Clone();
        if (d != Shape.Unknown)
        {
            if (unknownAt >= 0 && known <= d) resolved[unknownAt] = d - known;
            else if (known != d || unknownAt >= 0)
                throw new ShapeMismatchException("Split", $"sizes [{string.Join(", ", sizes)}] do not add up to {d}, the size of axis {axis} of shape {x.Shape}.", x.Shape);
        }
        else if (unknownAt >= 0 && unknownAt != sizes.Length - 1)
            throw new ShapeMismatchException("Split", $"with axis {axis} of unknown size in shape {x.Shape}, only the last size may be -1.", x.Shape);
        return SplitAt(x, resolved, a);
    }

    private static Tensor[] SplitAt(Tensor x, int[] sizes, int axis)
    {
        var parts = new Tensor[sizes.Length];
        int begin = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var b = new int[x.Rank];
            var s = new int[x.Rank];
            Array.Fill(s, -1);
            b[axis] = begin;
            s[axis] = sizes[i];
            parts[i] = Slice(x, b, s);
            begin += Math.Max(sizes[i], 0);
        }
        return parts;
    }
}
