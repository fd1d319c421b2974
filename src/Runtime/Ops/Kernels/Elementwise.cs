namespace LayerGen.Kernels;

/// <summary>Kernel over a row: <paramref name="x"/> and <paramref name="y"/> each have the row's length, or length 1 (broadcast scalar).</summary>
internal delegate void BinaryRowKernel<T, TResult>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<TResult> destination);

/// <summary>Kernel over a contiguous run of elements.</summary>
internal delegate void UnaryRowKernel<T, TResult>(ReadOnlySpan<T> x, Span<TResult> destination);

/// <summary>Drives elementwise kernels over broadcast shapes, calling the row kernel on the longest contiguous runs.</summary>
internal static partial class Elementwise
{
    /// <summary>NumPy broadcasting of two shapes, with unknown dimensions. Throws naming the op and both shapes.</summary>
    public static Shape BroadcastShapes(string op, Shape a, Shape b)
    {
        if (a == b) return a;
        int r = Math.Max(a.Rank, b.Rank);
        var dims = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Rank) >= 0 ? a[i - (r - a.Rank)] : 1;
            int db = i - (r - b.Rank) >= 0 ? b[i - (r - b.Rank)] : 1;
            if (da == db) dims[i] = da;
            else if (da == 1) dims[i] = db;
            else if (db == 1) dims[i] = da;
            else if (da == Shape.Unknown) dims[i] = db;
            else if (db == Shape.Unknown) dims[i] = da;
            else throw new ShapeMismatchException(op, $"shapes {a} and {b} cannot be broadcast together (axis {i - r} has sizes {da} and {db}).", a, b);
        }
        return Shape.FromOwned(dims);
    }

    public static void Binary<T, TResult>(ReadOnlySpan<T> a, Shape sa, ReadOnlySpan<T> b, Shape sb, Span<TResult> output, Shape so, BinaryRowKernel<T, TResult> kernel)
        where T : unmanaged where TResult : unmanaged
    {
        int n = output.Length;
        if (n == 0) return;
        // Same lengths, a scalar operand, or one operand repeating row by row (e.g. a bias [units] added to
        // [batch, units]): ranges of the output run alone, split over the kernel pool's threads when large
        // (Elementwise.Parallel.cs).
        bool aRuns = a.Length == n || a.Length == 1, bRuns = b.Length == n || b.Length == 1;
        if (aRuns && bRuns) { SplitBinary(a, b, output, 1, kernel); return; }
        if (a.Length == n && b.Length > 1 && IsTrailing(sb, so)) { SplitBinary(a, b, output, b.Length, kernel); return; }
        if (b.Length == n && a.Length > 1 && IsTrailing(sa, so)) { SplitBinary(a, b, output, a.Length, kernel); return; }

        int room = Math.Max(1, so.Rank);
        var plan = new BroadcastPlan(stackalloc int[room], stackalloc int[room], stackalloc int[room]);
        int rank = Plan(sa, sb, so, plan);
        var sizes = plan.Sizes[..rank];
        var stridesA = plan.StridesA[..rank];
        var stridesB = plan.StridesB[..rank];
        int inner = sizes[^1];
        int ia = stridesA[^1], ib = stridesB[^1];
        int outer = n / inner;
        Span<int> counter = stackalloc int[rank];
        int offA = 0, offB = 0;
        for (int row = 0; row < outer; row++)
        {
            kernel(ia == 0 ? a.Slice(offA, 1) : a.Slice(offA, inner), ib == 0 ? b.Slice(offB, 1) : b.Slice(offB, inner), output.Slice(row * inner, inner));
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                counter[ax]++;
                offA += stridesA[ax];
                offB += stridesB[ax];
                if (counter[ax] < sizes[ax]) break;
                offA -= stridesA[ax] * sizes[ax];
                offB -= stridesB[ax] * sizes[ax];
                counter[ax] = 0;
            }
        }
    }

    private static bool IsFloating<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>
    /// The output elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="output"/>.Length) of a
    /// binary op whose operands each have the full length <paramref name="n"/>, length 1, or are a row repeated along the
    /// output (<paramref name="start"/> and the range's length are then whole rows). Short rows (a conv bias of 32
    /// channels over 86,528 pixels) are repeated into a block of <see cref="RepeatBlock"/> elements first, so the kernel
    /// runs on long runs instead of once per row.
    /// </summary>
    private static void BinaryRange<T, TResult>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TResult> output, int start, int n, BinaryRowKernel<T, TResult> kernel)
        where T : unmanaged where TResult : unmanaged
    {
        int len = output.Length;
        bool aFull = a.Length == n, bFull = b.Length == n;
        if ((aFull || a.Length == 1) && (bFull || b.Length == 1))
        {
            kernel(aFull ? a.Slice(start, len) : a, bFull ? b.Slice(start, len) : b, output);
            return;
        }
        if (aFull)
        {
            a = a.Slice(start, len);
            if (Repeats<T>(b.Length, len))
            {
                var rep = RepeatRows(b, len);
                for (int off = 0; off < len; off += rep.Length)
                {
                    int run = Math.Min(rep.Length, len - off);
                    kernel(a.Slice(off, run), rep[..run], output.Slice(off, run));
                }
                return;
            }
            for (int off = 0; off < len; off += b.Length) kernel(a.Slice(off, b.Length), b, output.Slice(off, b.Length));
            return;
        }
        b = b.Slice(start, len);
        if (Repeats<T>(a.Length, len))
        {
            var rep = RepeatRows(a, len);
            for (int off = 0; off < len; off += rep.Length)
            {
                int run = Math.Min(rep.Length, len - off);
                kernel(rep[..run], b.Slice(off, run), output.Slice(off, run));
            }
            return;
        }
        for (int off = 0; off < len; off += a.Length) kernel(a, b.Slice(off, a.Length), output.Slice(off, a.Length));
    }

    /// <summary>The length of the block <see cref="RepeatRows"/> fills for ranges shorter than <see cref="LargeRepeatBlock"/>.</summary>
    private const int RepeatBlock = 2048;

    /// <summary>
    /// The length of the block for long ranges (512 KiB of float32): the kernel then runs on runs long enough for
    /// TensorPrimitives' non-temporal stores (more than 256 KiB), as it does on same-shape operands, instead of
    /// writing a multi-megabyte output through the cache. Kept per thread and refilled only when the row changes.
    /// </summary>
    private const int LargeRepeatBlock = 1 << 17;

    [ThreadStatic] private static float[]? t_repeatF32;
    [ThreadStatic] private static double[]? t_repeatF64;

    /// <summary>Whether a row of <paramref name="row"/> elements repeated over <paramref name="len"/> elements is first repeated into a block.</summary>
    private static bool Repeats<T>(int row, int len)
        => IsFloating<T>() && len >= 2 * row && (row * 2 <= RepeatBlock || (len >= LargeRepeatBlock && row * 4 <= LargeRepeatBlock));

    /// <summary>
    /// <paramref name="row"/> repeated a whole number of times (at most <see cref="RepeatBlock"/> elements, or
    /// <see cref="LargeRepeatBlock"/> for a range of at least that many, and no more than <paramref name="n"/>), in a
    /// per-thread buffer kept between calls: no allocation once warm.
    /// </summary>
    private static ReadOnlySpan<T> RepeatRows<T>(ReadOnlySpan<T> row, int n) where T : unmanaged
    {
        if (n >= LargeRepeatBlock && row.Length * 4 <= LargeRepeatBlock) return LargeRepeat<T>.Block(row, n);
        int length = Math.Min(RepeatBlock / row.Length, n / row.Length) * row.Length;
        T[] array = typeof(T) == typeof(float)
            ? System.Runtime.CompilerServices.Unsafe.As<T[]>(t_repeatF32 ??= new float[RepeatBlock])
            : System.Runtime.CompilerServices.Unsafe.As<T[]>(t_repeatF64 ??= new double[RepeatBlock]);
        var block = array.AsSpan(0, length);
        for (int off = 0; off < length; off += row.Length) row.CopyTo(block.Slice(off, row.Length));
        return block;
    }

    /// <summary>The per-thread block of <see cref="LargeRepeatBlock"/> elements and how much of it repeats which row.</summary>
    private static class LargeRepeat<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? t_block;
        [ThreadStatic] private static int t_rowLength, t_filled;

        /// <summary>
        /// The block holding <paramref name="row"/> repeated over min(<see cref="LargeRepeatBlock"/>, <paramref name="n"/>)
        /// elements (whole rows). The rows already there are kept when they are the same bits as <paramref name="row"/>
        /// (the next chunk of the same op, or the same bias again): only the first row is compared.
        /// </summary>
        public static ReadOnlySpan<T> Block(ReadOnlySpan<T> row, int n)
        {
            int length = Math.Min(LargeRepeatBlock / row.Length, n / row.Length) * row.Length;
            var block = t_block ??= new T[LargeRepeatBlock];
            bool same = t_rowLength == row.Length
                && System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.AsSpan(0, row.Length)).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row));
            if (!same) (t_rowLength, t_filled) = (row.Length, 0);
            for (; t_filled < length; t_filled += row.Length) row.CopyTo(block.AsSpan(t_filled, row.Length));
            return block.AsSpan(0, length);
        }
    }

    /// <summary>Whether <paramref name="inner"/> (leading 1s ignored) equals the trailing axes of <paramref name="outer"/>.</summary>
    private static bool IsTrailing(Shape inner, Shape outer)
    {
        int lead = 0;
        while (lead < inner.Rank && inner[lead] == 1) lead++;
        int r = inner.Rank - lead;
        if (r > outer.Rank) return false;
        for (int i = 0; i < r; i++)
            if (inner[lead + i] != outer[outer.Rank - r + i]) return false;
        return true;
    }

    /// <summary>Copies <paramref name="x"/> broadcast to <paramref name="so"/>.</summary>
    public static void BroadcastCopy<T>(ReadOnlySpan<T> x, Shape sx, Span<T> output, Shape so)
    {
        int n = output.Length;
        if (n == 0) return;
        if (x.Length == n) { x.CopyTo(output); return; }
        if (x.Length == 1) { output.Fill(x[0]); return; }
        int room = Math.Max(1, so.Rank);
        var plan = new BroadcastPlan(stackalloc int[room], stackalloc int[room], stackalloc int[room]);
        int rank = Plan(sx, sx, so, plan);
        var sizes = plan.Sizes[..rank];
        var strides = plan.StridesA[..rank];
        int inner = sizes[^1];
        int ix = strides[^1];
        Span<int> counter = stackalloc int[rank];
        int off = 0;
        for (int row = 0; row < n / inner; row++)
        {
            var dst = output.Slice(row * inner, inner);
            if (ix == 0) dst.Fill(x[off]); else x.Slice(off, inner).CopyTo(dst);
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                counter[ax]++;
                off += strides[ax];
                if (counter[ax] < sizes[ax]) break;
                off -= strides[ax] * sizes[ax];
                counter[ax] = 0;
            }
        }
    }

    /// <summary>Room for a broadcast plan's axes (one per output axis at most), on the caller's stack.</summary>
    private readonly ref struct BroadcastPlan(Span<int> sizes, Span<int> stridesA, Span<int> stridesB)
    {
        public readonly Span<int> Sizes = sizes, StridesA = stridesA, StridesB = stridesB;
    }

    /// <summary>
    /// Output axes with the input strides (0 where broadcast), size-1 axes dropped and contiguous axes merged, written
    /// into <paramref name="plan"/>; returns how many axes remain (at least 1). Nothing is allocated.
    /// </summary>
    private static int Plan(Shape sa, Shape sb, Shape so, BroadcastPlan plan)
    {
        int r = so.Rank;
        Span<int> fa = stackalloc int[Math.Max(1, r)];
        Span<int> fb = stackalloc int[Math.Max(1, r)];
        InputStrides(sa, so, fa);
        InputStrides(sb, so, fb);
        var sizes = plan.Sizes;
        var stA = plan.StridesA;
        var stB = plan.StridesB;
        int count = 0;
        for (int i = 0; i < r; i++)
        {
            int size = so[i];
            if (size == 1) continue;
            if (count > 0)
            {
                int last = count - 1;
                if (stA[last] == fa[i] * size && stB[last] == fb[i] * size)
                {
                    sizes[last] *= size;
                    stA[last] = fa[i];
                    stB[last] = fb[i];
                    continue;
                }
            }
            sizes[count] = size;
            stA[count] = fa[i];
            stB[count] = fb[i];
            count++;
        }
        if (count == 0) { sizes[0] = 1; stA[0] = 0; stB[0] = 0; count = 1; }
        return count;
    }

    /// <summary>The input's element stride for each output axis (0 where the input is broadcast along it).</summary>
    private static void InputStrides(Shape input, Shape output, Span<int> strides)
    {
        int r = output.Rank, off = r - input.Rank;
        strides.Clear();
        int acc = 1;
        for (int i = input.Rank - 1; i >= 0; i--)
        {
            strides[i + off] = input[i] == 1 && output[i + off] != 1 ? 0 : acc;
            acc *= input[i];
        }
    }

    /// <summary>Runs a binary kernel for the dtype of the inputs.</summary>
    public static Tensor Binary(Tensor a, Tensor b, KernelOutput output,
        BinaryRowKernel<float, float>? f32, BinaryRowKernel<double, double>? f64,
        BinaryRowKernel<int, int>? i32, BinaryRowKernel<long, long>? i64, string op)
    {
        var result = output.Allocate(zeroed: false);
        switch (a.DType)
        {
            case DType.Float32 when f32 is not null: Binary(a.Lend<float>(), a.Shape, b.Lend<float>(), b.Shape, result.Lend<float>(), output.Shape, f32); break;
            case DType.Float64 when f64 is not null: Binary(a.Lend<double>(), a.Shape, b.Lend<double>(), b.Shape, result.Lend<double>(), output.Shape, f64); break;
            case DType.Int32 when i32 is not null: Binary(a.Lend<int>(), a.Shape, b.Lend<int>(), b.Shape, result.Lend<int>(), output.Shape, i32); break;
            case DType.Int64 when i64 is not null: Binary(a.Lend<long>(), a.Shape, b.Lend<long>(), b.Shape, result.Lend<long>(), output.Shape, i64); break;
            default: throw new DTypeMismatchException(op, $"dtype {a.DType.Name()} is not supported.");
        }
        // The spans above were lent (Tensor.Lend): the inputs stay reachable until the kernel is done with them.
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return result;
    }

    /// <summary>Runs a comparison kernel (bool result) for the dtype of the inputs.</summary>
    public static Tensor Compare(Tensor a, Tensor b, KernelOutput output,
        BinaryRowKernel<float, bool> f32, BinaryRowKernel<double, bool> f64,
        BinaryRowKernel<int, bool> i32, BinaryRowKernel<long, bool> i64, BinaryRowKernel<bool, bool>? b8, string op)
    {
        var result = output.Allocate(zeroed: false);
        var o = result.Lend<bool>();
        switch (a.DType)
        {
            case DType.Float32: Binary(a.Lend<float>(), a.Shape, b.Lend<float>(), b.Shape, o, output.Shape, f32); break;
            case DType.Float64: Binary(a.Lend<double>(), a.Shape, b.Lend<double>(), b.Shape, o, output.Shape, f64); break;
            case DType.Int32: Binary(a.Lend<int>(), a.Shape, b.Lend<int>(), b.Shape, o, output.Shape, i32); break;
            case DType.Int64: Binary(a.Lend<long>(), a.Shape, b.Lend<long>(), b.Shape, o, output.Shape, i64); break;
            case DType.Bool when b8 is not null: Binary(a.Lend<bool>(), a.Shape, b.Lend<bool>(), b.Shape, o, output.Shape, b8); break;
            default: throw new DTypeMismatchException(op, $"dtype {a.DType.Name()} is not supported.");
        }
        // The spans above were lent (Tensor.Lend): the inputs stay reachable until the kernel is done with them.
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return result;
    }

    /// <summary>Runs a unary kernel for the dtype of the input.</summary>
    public static Tensor Unary(Tensor x, KernelOutput output,
        UnaryRowKernel<float, float>? f32, UnaryRowKernel<double, double>? f64,
        UnaryRowKernel<int, int>? i32, UnaryRowKernel<long, long>? i64, string op)
    {
        var result = output.Allocate(zeroed: false);
        switch (x.DType)
        {
            case DType.Float32 when f32 is not null: SplitUnary(x.Lend<float>(), result.Lend<float>(), f32); break;
            case DType.Float64 when f64 is not null: SplitUnary(x.Lend<double>(), result.Lend<double>(), f64); break;
            case DType.Int32 when i32 is not null: i32(x.Lend<int>(), result.Lend<int>()); break;
            case DType.Int64 when i64 is not null: i64(x.Lend<long>(), result.Lend<long>()); break;
            default: throw new DTypeMismatchException(op, $"dtype {x.DType.Name()} is not supported.");
        }
        // The spans above were lent (Tensor.Lend): the inputs stay reachable until the kernel is done with them.
        GC.KeepAlive(x);
        return result;
    }

    /// <summary>Applies a scalar function elementwise (for functions TensorPrimitives lacks).</summary>
    public static void Map<T>(ReadOnlySpan<T> x, Span<T> d, Func<T, T> f)
    {
        for (int i = 0; i < x.Length; i++) d[i] = f(x[i]);
    }
}
