namespace LayerGen.Kernels;

/// <summary>Dtype-agnostic strided copies (transpose, tile) and the index table the tile gradient accumulates through.</summary>
internal static class IndexCopy
{
    /// <summary>
    /// The output (the planned buffer, or a new tensor) with, for each output element at index (i_0, ..., i_r-1),
    /// <c>x[sum_k (i_k % mod[k]) * strides[k]]</c>: a transpose (mod = output dims, strides permuted) or a tile
    /// (mod = input dims, strides = input strides). Walks the output row by row without an index table, so a planned
    /// run allocates nothing.
    /// </summary>
    public static Tensor Take(Tensor x, KernelOutput output, int[] mod, int[] strides)
    {
        var r = output.Allocate(zeroed: false);
        var shape = output.Shape;
        switch (x.DType)
        {
            case DType.Float32: Take(x.Lend<float>(), r.Lend<float>(), shape, mod, strides); break;
            case DType.Float64: Take(x.Lend<double>(), r.Lend<double>(), shape, mod, strides); break;
            case DType.Int32: Take(x.Lend<int>(), r.Lend<int>(), shape, mod, strides); break;
            case DType.Int64: Take(x.Lend<long>(), r.Lend<long>(), shape, mod, strides); break;
            case DType.Bool: Take(x.Lend<bool>(), r.Lend<bool>(), shape, mod, strides); break;
        }
        GC.KeepAlive(x);
        GC.KeepAlive(r);
        return r;
    }

    private static void Take<T>(ReadOnlySpan<T> x, Span<T> d, Shape output, int[] mod, int[] strides)
    {
        int n = output.Size, rank = output.Rank;
        if (n == 0) return;
        if (rank == 0) { d[0] = x[0]; return; }
        int last = rank - 1, width = output[last], lastMod = mod[last], lastStride = strides[last];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        for (int o = 0; o < n; o += width)
        {
            int off = 0;
            for (int ax = 0; ax < last; ax++) off += counter[ax] % mod[ax] * strides[ax];
            var row = d.Slice(o, width);
            // A contiguous source row (a transpose that keeps the last axis in place, a tile of whole rows): one copy.
            if (width <= lastMod && lastStride == 1) x.Slice(off, width).CopyTo(row);
            else if (width <= lastMod)
                for (int j = 0; j < width; j++) row[j] = x[off + j * lastStride];
            else
                for (int j = 0; j < width; j++) row[j] = x[off + j % lastMod * lastStride];
            for (int ax = last - 1; ax >= 0; ax--)
            {
                if (++counter[ax] < output[ax]) break;
                counter[ax] = 0;
            }
        }
    }

    /// <summary>
    /// For each element of <paramref name="output"/> (row-major), the flat source index
    /// <c>sum_k f_k(i_k) * strides[k]</c> where <c>f_k(i) = i % mod[k]</c>: an index table for tiling
    /// (mod = input dims, strides = input strides) or transposing (mod = output dims, strides permuted).
    /// </summary>
    public static int[] Table(Shape output, int[] mod, int[] strides)
    {
        int n = output.Size, r = output.Rank;
        var table = new int[n];
        if (n == 0) return table;
        var counter = new int[r];
        var wrapped = new int[r];
        int off = 0;
        for (int i = 0; i < n; i++)
        {
            table[i] = off;
            for (int ax = r - 1; ax >= 0; ax--)
            {
                counter[ax]++;
                wrapped[ax]++;
                off += strides[ax];
                if (wrapped[ax] == mod[ax]) { off -= strides[ax] * mod[ax]; wrapped[ax] = 0; }
                if (counter[ax] < output[ax]) break;
                off -= strides[ax] * wrapped[ax];
                counter[ax] = 0;
                wrapped[ax] = 0;
            }
        }
        return table;
    }
}
