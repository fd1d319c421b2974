namespace LayerGen.Operations;

/// <summary>Shared rules of <see cref="Op.TreatsRowsIndependently"/>.</summary>
internal static class RowRules
{
    /// <summary>
    /// Elements a span must have for a vectorized <c>TensorPrimitives</c> kernel to run its widest vector code on all of
    /// it (16 floats in a 512-bit vector; 64 leaves room for any wider vector), so that every element's result is the
    /// same wherever it sits.
    /// </summary>
    public const int MinimumVectorSpan = 64;

    /// <summary>
    /// The rule of elementwise ops whose kernel computes each element alone with an exactly rounded operation (add,
    /// subtract, multiply, divide, max with 0): every batch input has the output's shape (no broadcast along the batch),
    /// every other input broadcasts over axis 0 (a lower rank, or 1 row).
    /// </summary>
    public static bool Elementwise(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
    {
        var o = output.Shape;
        if (o.Rank == 0 || !o.IsFullyDefined) return false;
        for (int i = 0; i < inputs.Length; i++)
        {
            var s = inputs[i].Shape;
            if (!s.IsFullyDefined) return false;
            if (rows[i]) { if (s != o) return false; }
            else if (s.Rank == o.Rank && s[0] != 1) return false;
        }
        return true;
    }
}
