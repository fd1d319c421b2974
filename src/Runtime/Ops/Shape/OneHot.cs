namespace LayerGen.Operations;

/// <summary>
/// One-hot encoding: a new last axis of size <see cref="Depth"/> holding <see cref="On"/> at each index and
/// <see cref="Off"/> elsewhere. Indices outside [0, depth) give a row of <see cref="Off"/>, as in TensorFlow.
/// </summary>
[Op("OneHot")]
public sealed partial class OneHotOp(int depth, double on, double off, DType dtype) : Op
{
    /// <summary>The number of classes.</summary>
    public int Depth { get; } = depth >= 0 ? depth : throw new ArgumentOutOfRangeException(nameof(depth), $"OneHot: depth must not be negative, got {depth}.");
    /// <summary>The value at the index.</summary>
    public double On { get; } = on;
    /// <summary>The value elsewhere.</summary>
    public double Off { get; } = off;
    /// <summary>The output dtype.</summary>
    public DType DType { get; } = dtype;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        if (!inputs[0].DType.IsInteger())
            throw new DTypeMismatchException(Name, $"indices must be int32 or int64, got {inputs[0].DType.Name()} with shape {inputs[0].Shape}.");
        return new(inputs[0].Shape.Append(Depth), DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        // Written straight into the output (a plan's buffer when offered), converted as a cast from float64 would.
        var x = inputs[0];
        var r = output.Allocate(zeroed: false);
        switch (DType)
        {
            case DType.Float32: Write(x, r.Data<float>(), (float)Off, (float)On); break;
            case DType.Float64: Write(x, r.Data<double>(), Off, On); break;
            case DType.Int32: Write(x, r.Data<int>(), int.CreateSaturating(Off), int.CreateSaturating(On)); break;
            case DType.Int64: Write(x, r.Data<long>(), long.CreateSaturating(Off), long.CreateSaturating(On)); break;
            case DType.Bool: Write(x, r.Data<bool>(), Off != 0, On != 0); break;
        }
        return r;
    }

    /// <summary>Every row <paramref name="off"/>, with <paramref name="on"/> at the index (none for an index outside [0, depth)).</summary>
    private void Write<T>(Tensor indices, Span<T> values, T off, T on)
    {
        values.Fill(off);
        if (indices.DType == DType.Int64)
        {
            var idx = indices.AsSpan<long>();
            for (int i = 0; i < idx.Length; i++)
                if (idx[i] >= 0 && idx[i] < Depth) values[i * Depth + (int)idx[i]] = on;
        }
        else
        {
            var idx = indices.AsSpan<int>();
            for (int i = 0; i < idx.Length; i++)
                if (idx[i] >= 0 && idx[i] < Depth) values[i * Depth + idx[i]] = on;
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [null];
}

public static partial class Ops
{
    /// <summary>One-hot encodes int32/int64 <paramref name="indices"/> into a new last axis of size <paramref name="depth"/>.</summary>
    public static Tensor OneHot(Tensor indices, int depth, double on = 1, double off = 0, DType dtype = DType.Float32)
        => OpRunner.Run(new OneHotOp(depth, on, off, dtype), indices);
}
