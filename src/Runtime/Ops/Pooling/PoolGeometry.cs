using System.Globalization;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The windows of a pooling op over a channels-last input <c>(N, *spatial, C)</c> with 1 to 3 spatial axes, seen as
/// <c>(N, D, H, W, C)</c> (missing leading spatial axes have size 1): sizes, strides and the padding before each axis.
/// Also the checks and the output-shape rule the pooling ops share.
/// </summary>
internal readonly struct PoolGeometry
{
    public readonly int N, C, D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW;

    private PoolGeometry(Shape x, Shape y, int[] window, int[] strides, int[] pads)
    {
        int r = window.Length;
        N = x[0];
        C = x[^1];
        Span<int> i = [1, 1, 1], o = [1, 1, 1], k = [1, 1, 1], s = [1, 1, 1], p = [0, 0, 0];
        for (int a = 0; a < r; a++)
        {
            int at = 3 - r + a;
            i[at] = x[1 + a]; o[at] = y[1 + a]; k[at] = window[a]; s[at] = strides[a]; p[at] = pads[a];
        }
        (D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW) = (i[0], i[1], i[2], o[0], o[1], o[2], k[0], k[1], k[2], s[0], s[1], s[2], p[0], p[1], p[2]);
    }

    private PoolGeometry(int n, int h, int w, int c, int oh, int ow)
    {
        (N, D, H, W, C, OD, OH, OW) = (n, 1, h, w, c, 1, oh, ow);
        (KD, KH, KW, SD, SH, SW, PD, PH, PW) = (1, 1, 1, 1, 1, 1, 0, 0, 0);
    }

    /// <summary>The sizes of resizing images <c>(n, h, w, c)</c> to <c>(n, oh, ow, c)</c> (no windows).</summary>
    public static PoolGeometry ForResize(int n, int h, int w, int c, int oh, int ow) => new(n, h, w, c, oh, ow);

    /// <summary>The geometry of pooling <paramref name="x"/> into <paramref name="y"/> (both channels-last).</summary>
    public static PoolGeometry Of(Shape x, Shape y, int[] window, int[] strides, int[] pads) => new(x, y, window, strides, pads);

    /// <summary>Output rows: one per (n, od, oh); each holds <c>OW * C</c> values.</summary>
    public int Rows => N * OD * OH;

    /// <summary>The input range <c>[begin, end)</c> that output index <paramref name="o"/> of an axis reads.</summary>
    public static (int Begin, int End) Range(int o, int stride, int pad, int window, int size)
    {
        int start = o * stride - pad;
        return (Math.Max(start, 0), Math.Min(start + window, size));
    }

    /// <summary>Checks a pooling op's attributes: 1 to 3 spatial axes, positive windows and strides, pads in [0, window).</summary>
    public static void CheckAttributes(string op, int[] window, int[] strides, int[] pads)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(pads);
        int r = window.Length;
        if (r is < 1 or > 3) throw new OpAttributeException(op, "window", $"must have 1, 2 or 3 entries (one per spatial axis), got [{List(window)}].");
        if (strides.Length != r) throw new OpAttributeException(op, "strides", $"must have {r} entries like the window [{List(window)}], got [{List(strides)}].");
        if (pads.Length != 2 * r) throw new OpAttributeException(op, "pads", $"must have {2 * r} entries [begins..., ends...] for a window of {r} axes, got [{List(pads)}].");
        for (int a = 0; a < r; a++)
        {
            if (window[a] <= 0) throw new OpAttributeException(op, "window", $"must be positive, got [{List(window)}].");
            if (strides[a] <= 0) throw new OpAttributeException(op, "strides", $"must be positive, got [{List(strides)}].");
            if (pads[a] < 0 || pads[a + r] < 0 || pads[a] >= window[a] || pads[a + r] >= window[a])
                throw new OpAttributeException(op, "pads", $"must be at least 0 and smaller than the window [{List(window)}], got [{List(pads)}].");
        }
    }

    /// <summary>The pooled shape of a channels-last <paramref name="x"/>, or a <see cref="ShapeMismatchException"/> naming the shapes.</summary>
    public static Shape OutputShape(string op, Shape x, int[] window, int[] strides, int[] pads)
    {
        int r = window.Length;
        if (x.Rank != r + 2)
            throw new ShapeMismatchException(op, $"a window of {r} spatial axes [{List(window)}] needs an input of rank {r + 2} (batch, {r} spatial axes, channels), got shape {x}.", x);
        var dims = new int[r + 2];
        dims[0] = x[0];
        dims[^1] = x[^1];
        for (int a = 0; a < r; a++)
        {
            int size = x[1 + a];
            if (size == Shape.Unknown) { dims[1 + a] = Shape.Unknown; continue; }
            int padded = size + pads[a] + pads[a + r];
            if (padded < window[a])
                throw new ShapeMismatchException(op, $"the window [{List(window)}] is larger than the padded input: spatial axis {a} has size {size} + padding {pads[a]} + {pads[a + r]} = {padded} < {window[a]} (input shape {x}).", x);
            dims[1 + a] = (padded - window[a]) / strides[a] + 1;
        }
        return Shape.FromOwned(dims);
    }

    /// <summary>
    /// <see cref="Parallel"/> over the lent spans of two or three tensors (<see cref="KernelArgs"/>' A, B, C in that
    /// order): pins them, runs, and keeps the tensors reachable until the loop has joined, as a lent span requires
    /// (docs/design/tensor-storage.md).
    /// </summary>
    public static unsafe void ParallelLent<T>(int count, long work, delegate*<in KernelArgs, int, int, void> body, PoolGeometry geometry,
        Tensor a, Tensor b, Tensor? c = null) where T : unmanaged
    {
        fixed (T* pa = a.Lend<T>(), pb = b.Lend<T>(), pc = c is null ? default : c.Lend<T>())
            Parallel(count, work, body, new KernelArgs(geometry, (nint)pa, (nint)pb, (nint)pc));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(args, begin, end) over <paramref name="count"/> items, on both cores when
    /// <paramref name="work"/> is large. Allocates nothing: a function pointer and one reused job per calling thread.
    /// </summary>
    public static unsafe void Parallel(int count, long work, delegate*<in KernelArgs, int, int, void> body, in KernelArgs args)
    {
        int parts = work < 1 << 16 ? 1 : Math.Min(count, ForkJoin.MaxParallelism);
        if (parts <= 1) { body(args, 0, count); return; }
        var job = t_job ??= new RangeJob();
        job.Set(body, args, count, parts);
        try { ForkJoin.Run(parts, job.Body); }
        finally { job.Set(null, default, 0, 0); }
    }

    [ThreadStatic] private static RangeJob? t_job;

    /// <summary>One kernel split over threads: part t takes items [count * t / parts, count * (t + 1) / parts).</summary>
    private sealed unsafe class RangeJob
    {
        private delegate*<in KernelArgs, int, int, void> body;
        private KernelArgs args;
        private int count, parts;

        public RangeJob() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public void Set(delegate*<in KernelArgs, int, int, void> body, in KernelArgs args, int count, int parts)
        {
            this.body = body;
            this.args = args;
            this.count = count;
            this.parts = parts;
        }

        private void Run(int t) => body(args, (int)((long)count * t / parts), (int)((long)count * (t + 1) / parts));
    }

    public static string List(int[] values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>What a pooling kernel part reads: the geometry and up to four pinned buffers.</summary>
internal readonly struct KernelArgs(PoolGeometry geometry, nint a, nint b, nint c = 0, nint d = 0, nint e = 0)
{
    public readonly PoolGeometry Geo = geometry;
    public readonly nint A = a, B = b, C = c, D = d, E = e;
}
