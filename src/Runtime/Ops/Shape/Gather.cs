using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Picks slices of <c>params</c> along <see cref="Axis"/> by int32/int64 <c>indices</c>, like <c>tf.gather</c>:
/// the output shape is <c>params.shape[:axis] + indices.shape + params.shape[axis+1:]</c>. An index out of
/// range throws: an <see cref="IndexOutOfRangeException"/>, or, when <see cref="Layer"/> names the lookup layer that
/// made the op (an Embedding), an <see cref="IdOutOfRangeException"/> naming it, so traced and planned steps report a
/// bad id as the eager layer does. The gradient scatter-adds into <c>params</c> (<see cref="GatherGradOp"/>); indices
/// get none.
/// </summary>
[Op("Gather")]
public sealed partial class GatherOp(int axis, string layer = "") : Op
{
    /// <summary>The axis of <c>params</c> indexed.</summary>
    public int Axis { get; } = axis;

    /// <summary>
    /// The lookup layer (an Embedding) this gather belongs to, or empty. Only used to name the layer in the error for
    /// an out-of-range index; written to graph files as the optional attribute <c>layer</c> when set.
    /// </summary>
    public string Layer { get; } = layer ?? "";

    /// <summary>Re-creates the op from its attributes; <c>layer</c> is optional (graph files written before it lack it).</summary>
    public static Op Create(OpAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return new GatherOp(attributes.GetInt("axis"), attributes.Contains("layer") ? attributes.GetString("layer") : "");
    }

    /// <inheritdoc/>
    public override void WriteAttributes(OpAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        attributes.Set("axis", (long)Axis);
        if (Layer.Length > 0) attributes.Set("layer", Layer);
    }

    /// <inheritdoc/>
    public override string DescribeAttributes()
        => Layer.Length > 0 ? $"axis={Axis.ToString(System.Globalization.CultureInfo.InvariantCulture)}, layer={Layer}" : $"axis={Axis.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        var p = inputs[0].Shape;
        var idx = inputs[1];
        if (!idx.DType.IsInteger())
            throw new DTypeMismatchException(Name, $"indices must be int32 or int64, got {idx.DType.Name()} with shape {idx.Shape}.");
        if (p.Rank == 0) throw new ShapeMismatchException(Name, $"params must have rank 1 or more, got shape {p}.", p);
        int a = AxisLoop.Normalize(Name, p, Axis);
        var dims = new List<int>(p.Rank + idx.Shape.Rank);
        for (int i = 0; i < a; i++) dims.Add(p[i]);
        foreach (var d in idx.Shape.Dims) dims.Add(d);
        for (int i = a + 1; i < p.Rank; i++) dims.Add(p[i]);
        return new(Shape.FromOwned([.. dims]), inputs[0].DType);
    }

    /// <summary>
    /// The indices as int64, checked against the axis size. An index out of range throws
    /// <see cref="IdOutOfRangeException"/> naming <paramref name="layer"/> when it is not empty, otherwise
    /// <see cref="IndexOutOfRangeException"/> naming <paramref name="op"/>.
    /// </summary>
    internal static long[] Indices(string op, Tensor indices, int axisSize, Shape paramsShape, int axis, string layer = "")
    {
        var idx = indices.DType == DType.Int64 ? indices.ToArray<long>() : Array.ConvertAll(indices.ToArray<int>(), v => (long)v);
        for (int i = 0; i < idx.Length; i++)
            if (idx[i] < 0 || idx[i] >= axisSize)
            {
                var position = Position(indices.Shape, i);
                if (layer.Length > 0) throw new IdOutOfRangeException(layer, idx[i], position, axisSize);
                throw new IndexOutOfRangeException($"{op}: index {idx[i]} at position ({string.Join(", ", position)}{(position.Length == 1 ? ",)" : ")")} of the indices (shape {indices.Shape}) is out of range for axis {axis} of size {axisSize} (params shape {paramsShape}).");
            }
        return idx;
    }

    /// <summary>The multi-dimensional position of flat element <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    private static int[] Position(Shape shape, int flat)
    {
        var position = new int[shape.Rank];
        for (int k = shape.Rank - 1; k >= 0; k--)
        {
            position[k] = flat % shape[k];
            flat /= shape[k];
        }
        return position;
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var p = inputs[0];
        int a = AxisLoop.Normalize(Name, p.Shape, Axis);
        var loop = AxisLoop.For(p.Shape, a);
        var idx = Indices(Name, inputs[1], loop.Length, p.Shape, a, Layer);
        // Every element is written (one row copy per index); lent spans keep a pooled output (and input) poolable.
        var r = output.Allocate(zeroed: false);
        switch (p.DType)
        {
            case DType.Float32: Run(p.Lend<float>(), r.Lend<float>(), loop, idx); break;
            case DType.Float64: Run(p.Lend<double>(), r.Lend<double>(), loop, idx); break;
            case DType.Int32: Run(p.Lend<int>(), r.Lend<int>(), loop, idx); break;
            case DType.Int64: Run(p.Lend<long>(), r.Lend<long>(), loop, idx); break;
            case DType.Bool: Run(p.Lend<bool>(), r.Lend<bool>(), loop, idx); break;
        }
        GC.KeepAlive(p);
        return r;
    }

    private static void Run<T>(ReadOnlySpan<T> p, Span<T> d, AxisLoop loop, long[] idx)
    {
        int inner = loop.Inner, q = idx.Length;
        if (inner == 0) return;
        for (int o = 0; o < loop.Outer; o++)
            for (int j = 0; j < q; j++)
                p.Slice((o * loop.Length + (int)idx[j]) * inner, inner).CopyTo(d.Slice((o * q + j) * inner, inner));
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new GatherGradOp(Axis), g, inputs[1], inputs[0]), null];
}

/// <summary>
/// The gradient of <see cref="GatherOp"/>: scatter-adds the slices of <c>g</c> into zeros shaped like
/// <c>params</c> (third input) at <c>indices</c> (second input); repeated indices accumulate. Run eagerly along axis
/// 0 it returns an <see cref="IndexedSlices"/> (the same values, computed when first read); in a traced graph or an
/// ExecutionPlan it writes the dense tensor.
/// </summary>
[Op("GatherGrad")]
public sealed partial class GatherGradOp(int axis) : Op
{
    /// <summary>The axis of <c>params</c> that was indexed.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 3);
        ExpectFloating(inputs[0], "g");
        return new(inputs[2].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var g = inputs[0];
        var ps = output.Shape;
        int a = AxisLoop.Normalize(Name, ps, Axis);
        var loop = AxisLoop.For(ps, a);
        var idx = GatherOp.Indices(Name, inputs[1], loop.Length, ps, a);
        // Eagerly, the gradient of a gather along axis 0 (an Embedding's table) stays row-sparse: the rows and their
        // indices, made dense only if something reads the elements (optimizers update from the rows).
        if (a == 0 && output.IsEager) return new IndexedSlices(g, inputs[1], ps);
        var r = output.Allocate();
        if (g.DType == DType.Float32) Run(g.Lend<float>(), r.Lend<float>(), loop, idx);
        else Run(g.Lend<double>(), r.Lend<double>(), loop, idx);
        GC.KeepAlive(g);
        return r;
    }

    private static void Run<T>(ReadOnlySpan<T> g, Span<T> d, AxisLoop loop, long[] idx) where T : System.Numerics.INumber<T>
    {
        int inner = loop.Inner, q = idx.Length;
        if (inner == 0) return;
        for (int o = 0; o < loop.Outer; o++)
            for (int j = 0; j < q; j++)
            {
                var dst = d.Slice((o * loop.Length + (int)idx[j]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(dst, g.Slice((o * q + j) * inner, inner), dst);
            }
    }

    /// <summary>Linear in <c>g</c>: its gradient gathers again.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Gather(g, inputs[1], Axis), null, null];
}

public static partial class Ops
{
    /// <summary>Slices of <paramref name="params"/> along <paramref name="axis"/> at <paramref name="indices"/> (int32/int64).</summary>
    public static Tensor Gather(Tensor @params, Tensor indices, int axis = 0) => OpRunner.Run(new GatherOp(axis), @params, indices);
}
