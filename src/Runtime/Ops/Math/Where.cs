using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// <c>condition ? x : y</c> elementwise, with the three inputs broadcast together (NumPy rules).
/// The condition is bool; <c>x</c> and <c>y</c> share a dtype. The gradient goes to <c>x</c> where the
/// condition holds and to <c>y</c> elsewhere; the condition gets none.
/// </summary>
[Op("Where")]
public sealed partial class WhereOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly WhereOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 3);
        if (inputs[0].DType != DType.Bool)
            throw new DTypeMismatchException(Name, $"the condition must be bool, got {inputs[0].DType.Name()} with shape {inputs[0].Shape}. Use a comparison such as Ops.Greater.");
        ExpectSameDType(inputs[1], inputs[2]);
        var xy = Elementwise.BroadcastShapes(Name, inputs[1].Shape, inputs[2].Shape);
        return new(Elementwise.BroadcastShapes(Name, inputs[0].Shape, xy), inputs[1].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var shape = output.Shape;
        var c = Broadcast<bool>(inputs[0], shape);
        // Every element is written: no zeroing pass first.
        var result = output.Allocate(zeroed: false);
        switch (output.DType)
        {
            case DType.Float32: Select(c, inputs[1], inputs[2], result.Data<float>(), shape); break;
            case DType.Float64: Select(c, inputs[1], inputs[2], result.Data<double>(), shape); break;
            case DType.Int32: Select(c, inputs[1], inputs[2], result.Data<int>(), shape); break;
            case DType.Int64: Select(c, inputs[1], inputs[2], result.Data<long>(), shape); break;
            case DType.Bool: Select(c, inputs[1], inputs[2], result.Data<bool>(), shape); break;
        }
        return result;
    }

    private static ReadOnlySpan<T> Broadcast<T>(Tensor t, Shape shape) where T : unmanaged
    {
        if (t.Shape == shape || t.Size == 1) return t.AsSpan<T>();
        var buffer = new T[shape.Size];
        Elementwise.BroadcastCopy(t.AsSpan<T>(), t.Shape, buffer, shape);
        return buffer;
    }

    private static void Select<T>(ReadOnlySpan<bool> c, Tensor xt, Tensor yt, Span<T> d, Shape shape) where T : unmanaged
    {
        var x = Broadcast<T>(xt, shape);
        var y = Broadcast<T>(yt, shape);
        bool cs = c.Length == 1, xs = x.Length == 1, ys = y.Length == 1;
        for (int i = 0; i < d.Length; i++) d[i] = c[cs ? 0 : i] ? x[xs ? 0 : i] : y[ys ? 0 : i];
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var c = inputs[0];
        var zero = Tensor.Scalar(0, g.DType);
        return [null, Ops.ReduceToLike(Ops.Where(c, g, zero), inputs[1]), Ops.ReduceToLike(Ops.Where(c, zero, g), inputs[2])];
    }
}

public static partial class Ops
{
    /// <summary><paramref name="condition"/> ? <paramref name="x"/> : <paramref name="y"/> elementwise, broadcasting all three.</summary>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y) => OpRunner.Run(WhereOp.Instance, condition, x, y);
}
