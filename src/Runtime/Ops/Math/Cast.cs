using System.Runtime.Intrinsics;

namespace LayerGen.Operations;

/// <summary>Converts to another dtype (float to int truncates toward zero; nonzero is true).</summary>
[Op("Cast")]
public sealed partial class CastOp(DType dtype) : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <inheritdoc/>
    internal override bool IsViewFor(ReadOnlySpan<TensorSpec> inputs, TensorSpec output) => inputs[0].DType == output.DType;
    /// <summary>The target dtype.</summary>
    public DType DType { get; } = dtype;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        return new(inputs[0].Shape, DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        if (x.DType == DType) return Tensor.Reinterpret(x, x.Shape);
        // Every element is written: the output may come uninitialised (a plan's buffer when offered).
        var r = output.Allocate(zeroed: false);
        switch (x.DType)
        {
            case DType.Float32: Convert(x.AsSpan<float>(), r); break;
            case DType.Float64: Convert(x.AsSpan<double>(), r); break;
            case DType.Int32: Convert(x.AsSpan<int>(), r); break;
            case DType.Int64: Convert(x.AsSpan<long>(), r); break;
            case DType.Bool: ConvertBool(x.AsSpan<bool>(), r); break;
        }
        return r;
    }

    /// <summary>true → 1, false → 0 in the target dtype (true stays true for bool).</summary>
    private static void ConvertBool(ReadOnlySpan<bool> s, Tensor r)
    {
        switch (r.DType)
        {
            case DType.Float32: BoolToSingle(s, r.Data<float>()); break;
            case DType.Float64: { var d = r.Data<double>(); for (int i = 0; i < s.Length; i++) d[i] = s[i] ? 1d : 0d; break; }
            case DType.Int32: { var d = r.Data<int>(); for (int i = 0; i < s.Length; i++) d[i] = s[i] ? 1 : 0; break; }
            case DType.Int64: { var d = r.Data<long>(); for (int i = 0; i < s.Length; i++) d[i] = s[i] ? 1L : 0L; break; }
        }
    }

    /// <summary>
    /// true → 1f, false → 0f without a branch per element (a dropout mask is half true at random: a branch mispredicts
    /// every other element), sixteen at a time where vectors are accelerated.
    /// </summary>
    private static void BoolToSingle(ReadOnlySpan<bool> s, Span<float> d)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(s);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= bytes.Length - 16; i += 16)
            {
                var b = Vector128.Create(bytes.Slice(i, 16));
                var w16 = Vector256.WidenLower(b.ToVector256Unsafe());
                var w32 = Vector512.WidenLower(w16.ToVector512Unsafe());
                var bit = Vector512.Min(w32, Vector512<uint>.One);
                Vector512.ConvertToSingle(bit.AsInt32()).CopyTo(d.Slice(i, 16));
            }
        }
        for (; i < bytes.Length; i++) d[i] = bytes[i] != 0 ? 1f : 0f;
    }

    private static void Convert<T>(ReadOnlySpan<T> s, Tensor r) where T : System.Numerics.INumber<T>
    {
        switch (r.DType)
        {
            case DType.Float32: { var d = r.Data<float>(); for (int i = 0; i < s.Length; i++) d[i] = float.CreateTruncating(s[i]); break; }
            case DType.Float64: { var d = r.Data<double>(); for (int i = 0; i < s.Length; i++) d[i] = double.CreateTruncating(s[i]); break; }
            case DType.Int32: { var d = r.Data<int>(); for (int i = 0; i < s.Length; i++) d[i] = int.CreateSaturating(s[i]); break; }
            case DType.Int64: { var d = r.Data<long>(); for (int i = 0; i < s.Length; i++) d[i] = long.CreateSaturating(s[i]); break; }
            case DType.Bool: { var d = r.Data<bool>(); for (int i = 0; i < s.Length; i++) d[i] = !T.IsZero(s[i]); break; }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => inputs[0].DType.IsFloating() && DType.IsFloating() ? [Ops.Cast(g, inputs[0].DType)] : [null];
}

public static partial class Ops
{
    /// <summary>Converts <paramref name="x"/> to <paramref name="dtype"/>.</summary>
    public static Tensor Cast(Tensor x, DType dtype) => OpRunner.Run(new CastOp(dtype), x);
}
