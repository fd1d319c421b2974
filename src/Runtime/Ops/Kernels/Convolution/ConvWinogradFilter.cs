using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// The kernel gradient of a convolution that <see cref="Fits"/> by Winograd's F(3×3, 2×2): the transpose of the
/// forward's F(2×2, 3×3). For one 2×2 tile of output gradients <c>dy</c> and its 4×4 input tile <c>d</c>, the forward
/// is <c>Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A</c>, linear in g; its adjoint in g is
/// <c>dg = Gᵀ [(Bᵀ d B) ⊙ (A dy Aᵀ)] G</c>, and since Gᵀ · G is the same for every tile the sum over tiles moves
/// inside: <c>dw = Gᵀ [Σ_tiles V ⊙ Z] G</c> with <c>V = Bᵀ d B</c> (the forward's input transform) and
/// <c>Z = A dy Aᵀ</c>. Per point ξ of the 4×4 transform that sum is a GEMM <c>M[ξ][Cin, Cout] += V[ξ][tiles, Cin]ᵀ ·
/// Z[ξ][tiles, Cout]</c> whose depth is the tiles: 16 products per channel pair and tile instead of the direct sum's 36
/// (for the convnet's second convolution, 128 × 6 × 6 tiles: 151 M multiply-adds instead of 285 M).
/// <list type="bullet">
/// <item>The tiles of the batch (image, tile row, tile column in order) are cut into <see cref="FilterGroups"/> groups
/// fixed by the shape; each group's sum <c>M</c> is its own (chunks of <see cref="FilterChunkTiles"/> tiles: V and Z
/// transformed into per-thread buffers, then the 16 products added into the group's M), threads take whole groups, and
/// the groups' sums are added in group order before the output transform. So the bits do not depend on the thread
/// count.</item>
/// <item>Rounding: the transforms add and subtract inputs before the products (as the forward's); the float32 error
/// stays at a few ulps of the sums of magnitudes (tests compare with float64 references).</item>
/// </list>
/// </summary>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Tiles per chunk: the products' depth; V and Z of a chunk (16 × tiles × (Cin + Cout) floats) stay in L2.</summary>
    private const int FilterChunkTiles = 48;

    /// <summary>
    /// Groups of tiles whose sums are kept apart (then added in order): fixed by the shape so that the bits do not
    /// depend on the threads; at most four (a split for up to four threads), about 512 tiles or more each.
    /// </summary>
    private static int FilterGroups(long tiles) => (int)Math.Clamp(tiles / 512, 1, 4);

    /// <summary>
    /// <c>dw = ∂/∂w Σ dy · conv(x, w)</c> for a shape that <see cref="Fits"/>: <paramref name="x"/> <c>(N, IH, IW, Cin)</c>,
    /// <paramref name="dy"/> <c>(N, OH, OW, Cout)</c>, <paramref name="dw"/> <c>(3, 3, Cin, Cout)</c>, overwritten. Up to
    /// <paramref name="threads"/> threads take whole groups of tiles.
    /// </summary>
    public static void FilterGradient(float* x, float* dy, float* dw, in ConvShape s, int threads)
    {
        int tilesH = (s.OH + 1) / 2, tilesW = (s.OW + 1) / 2;
        long tiles = (long)s.N * tilesH * tilesW;
        int cin = s.Cin, cout = s.Cout;
        if (tiles == 0)
        {
            new Span<float>(dw, 9 * cin * cout).Clear();
            return;
        }
        int groups = FilterGroups(tiles);
        int parts = Math.Max(1, Math.Min(threads, groups));
        var job = t_filterJob ??= new FilterJob();
        job.Set(x, dy, s, tiles, groups, parts);
        if (parts == 1) job.Body(0);
        else ForkJoin.Run(parts, job.Body);
        FilterOutput(job.Sums, groups, cin, cout, dw);
        job.Clear();
    }

    /// <summary>Group <paramref name="g"/>'s sum <c>M[ξ][Cin, Cout] = Σ_tiles V ⊙ Z</c>, over its tiles in order, into <paramref name="sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterGroup(FilterJob job, int g, float* sum)
    {
        var s = job.Shape;
        int cin = s.Cin, cout = s.Cout;
        int tilesH = (s.OH + 1) / 2, tilesW = (s.OW + 1) / 2;
        long t0 = job.Tiles * g / job.Groups, t1 = job.Tiles * (g + 1) / job.Groups;
        nint vPlane = (nint)FilterChunkTiles * cin + PlanePad, zPlane = (nint)FilterChunkTiles * cout + PlanePad;
        float* v = Scratch(ref t_v, (int)(Points * vPlane));
        float* z = Scratch(ref t_fz, (int)(Points * zPlane));
        long imageIn = (long)s.IH * s.IW * cin, imageOut = (long)s.OH * s.OW * cout;
        nint plane = (nint)cin * cout;
        bool first = true;
        for (long c0 = t0; c0 < t1; c0 += FilterChunkTiles)
        {
            int count = (int)Math.Min(FilterChunkTiles, t1 - c0);
            for (int i = 0; i < count; i++)
            {
                long t = c0 + i;
                int n = (int)(t / (tilesH * tilesW)), rem = (int)(t % (tilesH * tilesW)), ty = rem / tilesW, tx = rem % tilesW;
                InputTile(job.X + n * imageIn, s, 2 * ty - s.PH, 2 * tx - s.PW, v + (nint)i * cin, vPlane);
                GradientTile(job.Dy + n * imageOut, s, 2 * ty, 2 * tx, z + (nint)i * 32, zPlane, (nint)count * 32);
            }
            // M[ξ] (+)= V[ξ]ᵀ Z[ξ]: A = V[ξ] read column by column (one row of Cin per tile), B = Z[ξ]'s 32-column panels.
            for (int p = 0; p < Points; p++)
                Gemm.MultiplyColumnsByPanels32(v + p * vPlane, cin, z + p * zPlane, cin, cout, count, sum + p * plane, cout, accumulate: !first);
            first = false;
        }
    }

    /// <summary>
    /// <c>Z = A dy Aᵀ</c> of the 2×2 output-gradient tile at (<paramref name="oy"/>, <paramref name="ox"/>) (zeros outside
    /// the output), A = [[1,0], [1,1], [1,−1], [0,−1]]: point ξ goes to <c>z + ξ·<paramref name="plane"/></c>, channel c at
    /// <c>(c / 32)·<paramref name="panelStride"/> + c % 32</c>: the kernel gradient passes one row of its chunk's 32-column
    /// panels (stride count·32), the input gradient a plain row of Cout values (stride 32).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientTile(float* image, in ConvShape s, int oy, int ox, float* z, nint plane, nint panelStride)
    {
        int cout = s.Cout;
        bool down = oy + 1 < s.OH, right = ox + 1 < s.OW;
        float* y0 = image + ((nint)oy * s.OW + ox) * cout;
        float* y1 = y0 + (nint)s.OW * cout;
        for (int c = 0; c < cout; c += 16)
        {
            var p = Vector512.Load(y0 + c);
            var q = right ? Vector512.Load(y0 + cout + c) : Vector512<float>.Zero;
            var r = down ? Vector512.Load(y1 + c) : Vector512<float>.Zero;
            var u = down && right ? Vector512.Load(y1 + cout + c) : Vector512<float>.Zero;
            // Rows of A dy: [p, q], [p + r, q + u], [p − r, q − u], [−r, −u]; each row [a, b] times Aᵀ: [a, a + b, a − b, −b].
            float* d = z + (nint)(c / 32) * panelStride + c % 32;
            Row(p, q, d, plane);
            Row(p + r, q + u, d + 4 * plane, plane);
            Row(p - r, q - u, d + 8 * plane, plane);
            Row(-r, -u, d + 12 * plane, plane);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Vector512<float> a, Vector512<float> b, float* d, nint plane)
    {
        Vector512.Store(a, d);
        Vector512.Store(a + b, d + plane);
        Vector512.Store(a - b, d + 2 * plane);
        Vector512.Store(-b, d + 3 * plane);
    }

    /// <summary>
    /// <c>dw = Gᵀ M G</c> (Gᵀ = [[1,½,½,0], [0,½,−½,0], [0,½,½,1]]) of <c>M = Σ_groups</c> of the groups' sums, added in
    /// group order from the first: <paramref name="sums"/> holds <paramref name="groups"/> blocks of 16 × Cin × Cout.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterOutput(float* sums, int groups, int cin, int cout, float* dw)
    {
        nint plane = (nint)cin * cout, block = Points * plane;
        var half = Vector512.Create(0.5f);
        var m = stackalloc Vector512<float>[Points];
        var t = stackalloc Vector512<float>[12];
        for (nint o = 0; o < plane; o += 16)
        {
            for (int p = 0; p < Points; p++)
            {
                var acc = Vector512.Load(sums + p * plane + o);
                for (int g = 1; g < groups; g++) acc += Vector512.Load(sums + g * block + p * plane + o);
                m[p] = acc;
            }
            // Along each line a of M: [m0 + ½(m1 + m2), ½(m1 − m2), ½(m1 + m2) + m3].
            for (int a = 0; a < 4; a++)
            {
                var m0 = m[4 * a]; var m1 = m[4 * a + 1]; var m2 = m[4 * a + 2]; var m3 = m[4 * a + 3];
                var sh = (m1 + m2) * half;
                t[3 * a] = m0 + sh;
                t[3 * a + 1] = (m1 - m2) * half;
                t[3 * a + 2] = sh + m3;
            }
            // Then across the lines, for each of the 3 columns: window (kh, kw) at dw[(kh·3 + kw)·Cin·Cout + o].
            for (int b = 0; b < 3; b++)
            {
                var l0 = t[b]; var l1 = t[3 + b]; var l2 = t[6 + b]; var l3 = t[9 + b];
                var sh = (l1 + l2) * half;
                Vector512.Store(l0 + sh, dw + b * plane + o);
                Vector512.Store((l1 - l2) * half, dw + (3 + b) * plane + o);
                Vector512.Store(sh + l3, dw + (6 + b) * plane + o);
            }
        }
    }

    [ThreadStatic] private static float[]? t_fz;
    [ThreadStatic] private static FilterJob? t_filterJob;

    /// <summary>One kernel-gradient call split over threads by whole groups of tiles; the groups' sums are kept (no allocation once made).</summary>
    private sealed class FilterJob
    {
        private float[]? _sums;

        public FilterJob() => Body = Run;

        public Action<int> Body { get; }
        public float* X, Dy, Sums;
        public ConvShape Shape;
        public long Tiles;
        public int Groups, Parts;

        public void Set(float* x, float* dy, in ConvShape s, long tiles, int groups, int parts)
        {
            X = x; Dy = dy; Shape = s; Tiles = tiles; Groups = groups; Parts = parts;
            Sums = Scratch(ref _sums, groups * Points * s.Cin * s.Cout);
        }

        public void Clear()
        {
            X = null; Dy = null;
        }

        private void Run(int t)
        {
            int g0 = (int)((long)Groups * t / Parts), g1 = (int)((long)Groups * (t + 1) / Parts);
            for (int g = g0; g < g1; g++) FilterGroup(this, g, Sums + (nint)g * Points * Shape.Cin * Shape.Cout);
        }
    }
}
