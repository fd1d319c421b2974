namespace LayerGen.Kernels;

/// <summary>Views a shape as [outer, axis, inner] around one axis, for kernels that work along an axis (softmax, argmax...).</summary>
internal readonly record struct AxisLoop(int Outer, int Length, int Inner)
{
    /// <summary>Splits <paramref name="shape"/> around <paramref name="axis"/> (already normalized).</summary>
    public static AxisLoop For(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Rank; i++) inner *= shape[i];
        return new(outer, shape[axis], inner);
    }

    /// <summary>Normalizes <paramref name="axis"/> for <paramref name="shape"/>, throwing a <see cref="ShapeMismatchException"/> naming <paramref name="op"/>.</summary>
    public static int Normalize(string op, Shape shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Rank : axis;
        if (a < 0 || a >= shape.Rank)
            throw new ShapeMismatchException(op, $"axis {axis} is out of range for input of shape {shape} (rank {shape.Rank}).", shape);
        return a;
    }
}
