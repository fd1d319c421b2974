namespace LayerGen.Kernels;

/// <summary>Dtype-agnostic copies driven by index tables (transpose, tile).</summary>
internal static class IndexCopy
{
    /// <summary>The output (the planned buffer, or a new tensor) with <c>out[i] = x[source[i]]</c>.</summary>
    public static Tensor Take(Tensor x, KernelOutput output, int[] source)
    {
        var r = output.Allocate(zeroed: false);
        switch (x.DType)
        {
            case DType.Float32: Take(x.AsSpan<float>(), r.Data<float>(), source); break;
            case DType.Float64: Take(x.AsSpan<double>(), r.Data<double>(), source); break;
            case DType.Int32: Take(x.AsSpan<int>(), r.Data<int>(), source); break;
            case DType.Int64: Take(x.AsSpan<long>(), r.Data<long>(), source); break;
            case DType.Bool: Take(x.AsSpan<bool>(), r.Data<bool>(), source); break;
        }
        return r;
    }

    private static void Take<T>(ReadOnlySpan<T> x, Span<T> d, int[] source)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[source[i]];
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
