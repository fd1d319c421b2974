using System.Numerics;
using System.Runtime.InteropServices;

namespace LayerGen.Optimizers;

/// <summary>
/// One optimizer's per-element update rule, written once on <see cref="Vector{T}"/> lanes. <c>w</c> is the weight,
/// <c>s0</c>..<c>s2</c> the optimizer's slots for it (unused ones are zeros and not stored). A rule must use only
/// lane-wise IEEE operations (+, −, ×, ÷, square root, min/max, abs) and never a fused multiply-add, so a lane
/// computes exactly what the scalar formula computes, whatever the vector width.
/// </summary>
internal interface IUpdateRule
{
    void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> s0, ref Vector<float> s1, ref Vector<float> s2);
}

/// <summary>Runs an <see cref="IUpdateRule"/> over a weight and its slots, in place.</summary>
internal static class UpdateLanes
{
    /// <summary>
    /// Applies <paramref name="rule"/> to every element: whole vectors first, then the last partial vector through a
    /// zero-padded copy (so the tail runs the same code, and no scalar version of the rule exists to drift apart).
    /// Slots passed as empty spans are not used.
    /// </summary>
    public static void Run<TRule>(in TRule rule, ReadOnlySpan<float> g, Span<float> w, Span<float> s0 = default, Span<float> s1 = default, Span<float> s2 = default)
        where TRule : struct, IUpdateRule
    {
        int n = w.Length;
        if (g.Length != n) throw new ArgumentException($"Optimizer update: {g.Length} gradient values for {n} weights.", nameof(g));
        CheckSlot(s0, n, nameof(s0));
        CheckSlot(s1, n, nameof(s1));
        CheckSlot(s2, n, nameof(s2));
        if (n >= 2 * ChunkLength && Kernels.ForkJoin.MaxParallelism > 1)
        {
            ChunkedUpdate<TRule>.Run(rule, g, w, s0, s1, s2);
            return;
        }
        RunLanes(rule, g, w, s0, s1, s2);
    }

    /// <summary>
    /// Weights at least twice this long are updated in chunks of this many elements (a multiple of any vector width) on
    /// the kernels' fork-join pool. Every element's arithmetic is lane-wise, so the result does not depend on the split.
    /// </summary>
    internal const int ChunkLength = 1 << 15;

    private static void RunLanes<TRule>(in TRule rule, ReadOnlySpan<float> g, Span<float> w, Span<float> s0, Span<float> s1, Span<float> s2)
        where TRule : struct, IUpdateRule
    {
        int n = w.Length;
        int width = Vector<float>.Count;
        bool has0 = !s0.IsEmpty, has1 = !s1.IsEmpty, has2 = !s2.IsEmpty;
        // Lengths are checked above: the loop reads and writes through references without bounds checks.
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float r0 = ref MemoryMarshal.GetReference(s0);
        ref float r1 = ref MemoryMarshal.GetReference(s1);
        ref float r2 = ref MemoryMarshal.GetReference(s2);
        int j = 0;
        for (; j + width <= n; j += width)
        {
            nuint at = (nuint)j;
            var wv = Vector.LoadUnsafe(ref rw, at);
            var a = has0 ? Vector.LoadUnsafe(ref r0, at) : default;
            var b = has1 ? Vector.LoadUnsafe(ref r1, at) : default;
            var c = has2 ? Vector.LoadUnsafe(ref r2, at) : default;
            rule.Apply(Vector.LoadUnsafe(ref rg, at), ref wv, ref a, ref b, ref c);
            wv.StoreUnsafe(ref rw, at);
            if (has0) a.StoreUnsafe(ref r0, at);
            if (has1) b.StoreUnsafe(ref r1, at);
            if (has2) c.StoreUnsafe(ref r2, at);
        }
        if (j == n) return;
        int rest = n - j;
        Span<float> pad = stackalloc float[5 * width];
        pad.Clear();
        var pg = pad[..width];
        var pw = pad.Slice(width, width);
        var p0 = pad.Slice(2 * width, width);
        var p1 = pad.Slice(3 * width, width);
        var p2 = pad.Slice(4 * width, width);
        g[j..].CopyTo(pg);
        w[j..].CopyTo(pw);
        if (has0) s0[j..].CopyTo(p0);
        if (has1) s1[j..].CopyTo(p1);
        if (has2) s2[j..].CopyTo(p2);
        var tw = new Vector<float>(pw);
        var ta = new Vector<float>(p0);
        var tb = new Vector<float>(p1);
        var tc = new Vector<float>(p2);
        rule.Apply(new Vector<float>(pg), ref tw, ref ta, ref tb, ref tc);
        tw.CopyTo(pw);
        ta.CopyTo(p0);
        tb.CopyTo(p1);
        tc.CopyTo(p2);
        pw[..rest].CopyTo(w[j..]);
        if (has0) p0[..rest].CopyTo(s0[j..]);
        if (has1) p1[..rest].CopyTo(s1[j..]);
        if (has2) p2[..rest].CopyTo(s2[j..]);
    }

    /// <summary>One large update split into chunks: a job object per thread and rule type, reused (a run allocates nothing).</summary>
    private sealed unsafe class ChunkedUpdate<TRule> where TRule : struct, IUpdateRule
    {
        [ThreadStatic] private static ChunkedUpdate<TRule>? t_job;
        private TRule _rule;
        private float* _g, _w, _s0, _s1, _s2;
        private int _n;
        private readonly Action<int> _body;

        private ChunkedUpdate() => _body = Chunk;

        public static void Run(in TRule rule, ReadOnlySpan<float> g, Span<float> w, Span<float> s0, Span<float> s1, Span<float> s2)
        {
            var job = t_job ??= new ChunkedUpdate<TRule>();
            fixed (float* pg = g, pw = w, p0 = s0, p1 = s1, p2 = s2)
            {
                job._rule = rule;
                job._g = pg;
                job._w = pw;
                job._s0 = s0.IsEmpty ? null : p0;
                job._s1 = s1.IsEmpty ? null : p1;
                job._s2 = s2.IsEmpty ? null : p2;
                job._n = w.Length;
                try { Kernels.ForkJoin.RunChunks((w.Length + ChunkLength - 1) / ChunkLength, job._body); }
                finally { job._g = job._w = job._s0 = job._s1 = job._s2 = null; }
            }
        }

        private void Chunk(int c)
        {
            int start = c * ChunkLength, length = Math.Min(ChunkLength, _n - start);
            RunLanes(_rule, new ReadOnlySpan<float>(_g + start, length), new Span<float>(_w + start, length),
                Slot(_s0, start, length), Slot(_s1, start, length), Slot(_s2, start, length));
        }

        private static Span<float> Slot(float* slot, int start, int length) => slot is null ? default : new Span<float>(slot + start, length);
    }

    private static void CheckSlot(Span<float> slot, int n, string name)
    {
        if (!slot.IsEmpty && slot.Length != n)
            throw new ArgumentException($"Optimizer update: a slot of {slot.Length} values for {n} weights.", name);
    }
}
