namespace LayerGen.Kernels;

/// <summary>Reduces a row to one value (sum, max, ...).</summary>
internal delegate T RowReducer<T>(ReadOnlySpan<T> x);

/// <summary>Combines a row into an accumulator row elementwise: <c>acc = f(acc, x)</c>.</summary>
internal delegate void RowCombiner<T>(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> destination);

/// <summary>Drives reductions over any set of axes using contiguous runs.</summary>
internal static class Reduce
{
    /// <summary>The output shape of reducing <paramref name="axes"/> (all when null) of <paramref name="shape"/>.</summary>
    public static Shape OutputShape(string op, Shape shape, int[]? axes, bool keepDims, out bool[] reduced)
    {
        reduced = Mask(op, shape, axes);
        var dims = new List<int>(shape.Rank);
        for (int i = 0; i < shape.Rank; i++)
        {
            if (!reduced[i]) dims.Add(shape[i]);
            else if (keepDims) dims.Add(1);
        }
        return Shape.FromOwned([.. dims]);
    }

    public static bool[] Mask(string op, Shape shape, int[]? axes)
    {
        var reduced = new bool[shape.Rank];
        if (axes is null) { Array.Fill(reduced, true); return reduced; }
        foreach (var a in axes)
        {
            int ax = a < 0 ? a + shape.Rank : a;
            if (ax < 0 || ax >= shape.Rank)
                throw new ShapeMismatchException(op, $"axis {a} is out of range for input of shape {shape} (rank {shape.Rank}).", shape);
            if (reduced[ax]) throw new ShapeMismatchException(op, $"axis {a} is listed twice for input of shape {shape}.", shape);
            reduced[ax] = true;
        }
        return reduced;
    }

    /// <summary>
    /// out[j] = reduce over the reduced axes of x; <paramref name="output"/> must be pre-filled with the identity
    /// (0 for sum, -inf for max...) since rows are folded into it.
    /// </summary>
    public static void Run<T>(ReadOnlySpan<T> x, Shape sx, bool[] reduced, Span<T> output, RowReducer<T> reduceRow, RowCombiner<T> combineRows, Func<T, T, T> combine)
    {
        if (x.Length == 0) return;
        // output strides per input axis (0 where reduced), then merge contiguous axes. Everything on the stack:
        // a reduction in an ExecutionPlan allocates nothing.
        int r = sx.Rank;
        Span<int> outStride = stackalloc int[r];
        Span<int> inStrides = stackalloc int[r];
        int acc = 1, accIn = 1;
        for (int i = r - 1; i >= 0; i--)
        {
            inStrides[i] = accIn;
            accIn *= sx[i];
            outStride[i] = 0;
            if (reduced[i]) continue;
            outStride[i] = acc;
            acc *= sx[i];
        }
        Span<int> sizes = stackalloc int[r];
        Span<int> inStr = stackalloc int[r];
        Span<int> outStr = stackalloc int[r];
        int count = 0;
        for (int i = 0; i < r; i++)
        {
            int size = sx[i];
            if (size == 1) continue;
            int os = reduced[i] ? 0 : outStride[i];
            if (count > 0)
            {
                int last = count - 1;
                if (inStr[last] == inStrides[i] * size && outStr[last] == os * size)
                {
                    sizes[last] *= size;
                    inStr[last] = inStrides[i];
                    outStr[last] = os;
                    continue;
                }
            }
            sizes[count] = size;
            inStr[count] = inStrides[i];
            outStr[count] = os;
            count++;
        }
        if (count == 0) { output[0] = combine(output[0], x[0]); return; }

        int rank = count;
        int inner = sizes[rank - 1];
        bool innerReduced = outStr[rank - 1] == 0;
        int rows = x.Length / inner;
        Span<int> counter = stackalloc int[rank];
        int offIn = 0, offOut = 0;
        for (int row = 0; row < rows; row++)
        {
            var src = x.Slice(offIn, inner);
            if (innerReduced) output[offOut] = combine(output[offOut], reduceRow(src));
            else { var dst = output.Slice(offOut, inner); combineRows(dst, src, dst); }
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                counter[ax]++;
                offIn += inStr[ax];
                offOut += outStr[ax];
                if (counter[ax] < sizes[ax]) break;
                offIn -= inStr[ax] * sizes[ax];
                offOut -= outStr[ax] * sizes[ax];
                counter[ax] = 0;
            }
        }
    }

    /// <summary>For each input element (row-major), the flat index of the output element it reduces into.</summary>
    public static int[] OutputIndex(Shape sx, bool[] reduced)
    {
        int n = sx.Size, r = sx.Rank;
        var map = new int[n];
        if (n == 0) return map;
        var outStride = new int[r];
        int acc = 1;
        for (int i = r - 1; i >= 0; i--)
        {
            if (reduced[i]) continue;
            outStride[i] = acc;
            acc *= sx[i];
        }
        Span<int> counter = stackalloc int[Math.Max(r, 1)];
        int off = 0;
        for (int k = 0; k < n; k++)
        {
            map[k] = off;
            for (int ax = r - 1; ax >= 0; ax--)
            {
                off += outStride[ax];
                if (++counter[ax] < sx[ax]) break;
                off -= outStride[ax] * sx[ax];
                counter[ax] = 0;
            }
        }
        return map;
    }

    /// <summary>Number of elements folded into each output element: the product of the reduced dimensions.</summary>
    public static int ReducedCount(Shape sx, bool[] reduced)
    {
        int count = 1;
        for (int i = 0; i < reduced.Length; i++) if (reduced[i]) count *= sx[i];
        return count;
    }

    /// <summary>
    /// Gradient helper: puts the reduced axes of a reduction's output (or its gradient) back as size 1
    /// when the reduction dropped them, so it broadcasts against the input.
    /// </summary>
    public static Tensor Kept(Tensor reducedValue, Shape inputShape, int[]? axes, bool keepDims, string op)
    {
        if (keepDims) return reducedValue;
        var mask = Mask(op, inputShape, axes);
        var kept = reducedValue;
        for (int i = 0; i < mask.Length; i++) if (mask[i]) kept = Ops.ExpandDims(kept, i);
        return kept;
    }
}
