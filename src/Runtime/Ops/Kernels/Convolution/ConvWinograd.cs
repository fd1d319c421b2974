using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// Float32 3×3, stride-1 convolutions (channels_last, one group) by Winograd's minimal filtering F(2×2, 3×3): each 2×2
/// tile of outputs comes from a 4×4 tile of inputs as <c>Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A</c>, so the 36 multiplies per
/// tile and channel pair of the direct sum become 16, done as 16 GEMMs (one per point ξ of the 4×4 transform) of
/// <c>[tiles, Cin] @ [Cin, Cout]</c> on the 12×32 micro-kernel. For the convnet's second convolution
/// (13×13×32 → 11×11×64) that is 151 M multiply-adds instead of 285 M; the GEMM part was already at ≈ 90 % of
/// this CPU's FMA rate, so fewer multiplies was what was left to gain.
/// <list type="bullet">
/// <item>The kernel is transformed once per call (<see cref="TransformKernel"/>, <c>U[ξ] = (G g Gᵀ)[ξ]</c>, packed in the
/// GEMM's 32-column panels): 16 × Cin × Cout values.</item>
/// <item>Tiles are taken a block of whole tile rows at a time (about <see cref="TargetTiles"/> tiles; threads take whole
/// blocks) and, inside a block, 12 tiles (the micro-kernel's rows) at a time: their input tiles are transformed into
/// <c>V[ξ][12][Cin]</c>, then per 32 output channels the 16 micro-kernel products write <c>M[ξ][12][32]</c> and the output
/// transform writes <c>y = Aᵀ M A (+ bias)</c> for the in-range outputs (V and M stay in L1, their 16 planes a cache line
/// off a 4 KiB multiple); the activation then runs over the block's output rows.</item>
/// <item>The input gradient of such a convolution is itself one (<see cref="InputGradientShape"/>): the output gradient,
/// padded by <c>2 − pad</c>, convolved with the kernel turned by 180° and its channel axes swapped.</item>
/// </list>
/// Every output value is computed by the same operations in the same order whatever the block or thread split (blocks
/// are fixed by the shape; threads take whole blocks), so results do not depend on the thread count or on how a plan
/// slices the batch. The rounding differs from the direct sum's (the transforms add and subtract inputs before the
/// products): the float32 error stays at a few ulps of the sums (tests compare with float64 references).
/// </summary>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Tiles per block, about: V and M of a block then fit in L2 with room for the kernel's panels.</summary>
    private const int TargetTiles = 48;

    /// <summary>Points of the 4×4 transform: one GEMM each.</summary>
    private const int Points = 16;

    /// <summary>
    /// Floats between the 16 planes of V and of M beyond their rows: one cache line, so a tile's 16 points (one per
    /// plane) do not all fall in the same L1 set when the plane size is a multiple of 4 KiB's set stride (measured:
    /// the transforms took longer than the 16 GEMMs without it).
    /// </summary>
    private const int PlanePad = 16;

    /// <summary>
    /// Whether the Winograd kernel serves this (forward) convolution: float32 with the AVX-512 micro-kernel, 2D (or 1D/3D
    /// with unit leading axes), a 3×3 window, stride 1, no dilation, one group, begin pads of at most 2, input channels a
    /// multiple of 16 and output channels a multiple of 32, and at most 1,024 of each (the block buffers stay in L2).
    /// </summary>
    public static bool Fits(in ConvShape s) => Avx512F.IsSupported && Gemm.Best == GemmKernel.Avx512
        && s.Groups == 1 && s.KD == 1 && s.ID == 1 && s.OD == 1 && s.PD == 0
        && s.KH == 3 && s.KW == 3 && s.SH == 1 && s.SW == 1 && s.DH == 1 && s.DW == 1
        && (uint)s.PH <= 2 && (uint)s.PW <= 2
        && s.Cin % 16 == 0 && s.Cout % 32 == 0 && s.Cin <= 1024 && s.Cout <= 1024
        && s.OH > 0 && s.OW > 0;

    /// <summary>Whether the input gradient of the convolution <paramref name="s"/> runs as a Winograd convolution (<see cref="InputGradientShape"/>).</summary>
    public static bool FitsInputGradient(in ConvShape s) => s.Groups == 1 && s.KD == 1 && s.ID == 1 && s.OD == 1 && s.PD == 0
        && s.KH == 3 && s.KW == 3 && s.SH == 1 && s.SW == 1 && s.DH == 1 && s.DW == 1 && (uint)s.PH <= 2 && (uint)s.PW <= 2
        && Fits(InputGradientShape(s));

    /// <summary>
    /// The forward convolution that computes the input gradient of <paramref name="s"/> (3×3, stride 1, one group):
    /// its input is dy (<c>OH × OW × Cout</c>), its output dx (<c>IH × IW × Cin</c>), begin pads <c>2 − pad</c>.
    /// </summary>
    public static ConvShape InputGradientShape(in ConvShape s)
        => new(s.N, [s.OH, s.OW], s.Cout, [s.IH, s.IW], s.Cin, [3, 3], [1, 1], [2 - s.PH, 2 - s.PW], [1, 1], 1);

    /// <summary>Values of the transformed kernel of <paramref name="s"/> (<see cref="TransformKernel"/>'s output).</summary>
    public static int KernelLength(in ConvShape s) => Points * s.Cin * s.Cout;

    /// <summary>
    /// <c>U[ξ] = (G g Gᵀ)[ξ]</c> for each input/output channel pair, written as 16 matrices <c>[Cin, Cout]</c> in
    /// 32-column panels (<see cref="Gemm.MultiplyRowsByPanels32"/>'s B): <paramref name="w"/> is the forward kernel
    /// <c>(3, 3, Cin, Cout)</c> of <paramref name="s"/>, or, with <paramref name="inputGradient"/>, the kernel of the
    /// convolution whose input gradient <paramref name="s"/> computes (<c>(3, 3, Cout, Cin)</c> in <paramref name="s"/>'s
    /// terms), turned by 180° and its channel axes swapped on the fly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformKernel(float* w, in ConvShape s, bool inputGradient, float* u)
    {
        int cin = s.Cin, cout = s.Cout;
        float* g = stackalloc float[9 * 16];
        var t = stackalloc Vector512<float>[12];
        var half = Vector512.Create(0.5f);
        for (int ci = 0; ci < cin; ci++)
        {
            for (int co = 0; co < cout; co += 16)
            {
                // g[tap][lane]: the 3×3 window of this channel pair, 16 output channels at a time.
                for (int tap = 0; tap < 9; tap++)
                {
                    if (!inputGradient)
                    {
                        Vector512.Store(Vector512.Load(w + ((nint)tap * cin + ci) * cout + co), g + tap * 16);
                        continue;
                    }
                    // Forward kernel (3, 3, Cout, Cin) in these terms: window turned by 180°, read across its last axis.
                    float* src = w + ((nint)(8 - tap) * cout + co) * cin + ci;
                    for (int l = 0; l < 16; l++) g[tap * 16 + l] = src[(nint)l * cin];
                }
                // t = G g (4×3), then U = t Gᵀ (4×4); G = [[1,0,0], [½,½,½], [½,−½,½], [0,0,1]].
                for (int j = 0; j < 3; j++)
                {
                    var g0 = Vector512.Load(g + j * 16);
                    var g1 = Vector512.Load(g + (3 + j) * 16);
                    var g2 = Vector512.Load(g + (6 + j) * 16);
                    t[j] = g0;
                    t[3 + j] = (g0 + g1 + g2) * half;
                    t[6 + j] = (g0 - g1 + g2) * half;
                    t[9 + j] = g2;
                }
                int panel = co / 32, lane0 = co % 32;
                for (int a = 0; a < 4; a++)
                {
                    var t0 = t[3 * a];
                    var t1 = t[3 * a + 1];
                    var t2 = t[3 * a + 2];
                    float* dst = u + (nint)(a * 4) * cin * cout + (nint)panel * cin * 32 + (nint)ci * 32 + lane0;
                    nint plane = (nint)cin * cout;
                    Vector512.Store(t0, dst);
                    Vector512.Store((t0 + t1 + t2) * half, dst + plane);
                    Vector512.Store((t0 - t1 + t2) * half, dst + 2 * plane);
                    Vector512.Store(t2, dst + 3 * plane);
                }
            }
        }
    }

    /// <summary>
    /// <c>y = act(conv(x, w) + bias)</c> for a shape that <see cref="Fits"/>, with the kernel already transformed
    /// (<paramref name="u"/>, <see cref="TransformKernel"/>); <paramref name="bias"/> may be null (then no activation
    /// either unless asked). <paramref name="y"/> is overwritten. Up to <paramref name="threads"/> threads take whole blocks.
    /// </summary>
    public static void Forward(float* x, float* u, float* bias, FusedActivation activation, float* y, in ConvShape s, int threads)
    {
        int tilesH = (s.OH + 1) / 2, tilesW = (s.OW + 1) / 2;
        int rowsPerBlock = RowsPerBlock(tilesW);
        long tileRows = (long)s.N * tilesH;
        int blocks = checked((int)((tileRows + rowsPerBlock - 1) / rowsPerBlock));
        if (blocks == 0) return;
        int parts = Math.Max(1, Math.Min(threads, blocks));
        var job = t_job ??= new Job();
        job.Set(x, u, bias, activation, y, s, rowsPerBlock, blocks, parts);
        if (parts == 1) job.Body(0);
        else ForkJoin.Run(parts, job.Body);
        job.Clear();
    }

    /// <summary>
    /// Tile rows per block: about <see cref="TargetTiles"/> tiles, preferring a count of tiles that is a multiple of the
    /// micro-kernel's 12 rows (no zero rows) when that stays below twice the target.
    /// </summary>
    private static int RowsPerBlock(int tilesW)
    {
        int exact = 12 / Gcd(tilesW, 12);
        if ((long)exact * tilesW <= 2 * TargetTiles) return exact * Math.Max(1, TargetTiles / (exact * tilesW));
        return Math.Max(1, TargetTiles / tilesW);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Blocks [<paramref name="b0"/>, <paramref name="b1"/>) on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocks(Job job, int b0, int b1)
    {
        var s = job.Shape;
        int cin = s.Cin, cout = s.Cout;
        int tilesH = (s.OH + 1) / 2, tilesW = (s.OW + 1) / 2;
        int rowsPerBlock = job.RowsPerBlock;
        // A group of 12 tiles (the micro-kernel's rows) at a time: its V (16 × 12 × Cin) and, per 32 output channels, its M
        // (16 × 12 × 32) stay in L1 between the transforms and the products.
        nint vPlane = 12 * cin + PlanePad, mPlane = 12 * 32 + PlanePad;
        float* v = Scratch(ref t_v, (int)(Points * vPlane));
        float* m = Scratch(ref t_m, (int)(Points * mPlane));
        long tileRows = (long)s.N * tilesH;
        long imageIn = (long)s.IH * s.IW * cin, imageOut = (long)s.OH * s.OW * cout;
        for (int block = b0; block < b1; block++)
        {
            long r0 = (long)block * rowsPerBlock, r1 = Math.Min(tileRows, r0 + rowsPerBlock);
            int tiles = (int)(r1 - r0) * tilesW;
            for (int g0 = 0; g0 < tiles; g0 += 12)
            {
                int count = Math.Min(12, tiles - g0);
                // Input transform: V[ξ][i][Cin] for the group's tiles, zero rows past the last.
                for (int i = 0; i < count; i++)
                {
                    long r = r0 + (g0 + i) / tilesW;
                    int n = (int)(r / tilesH), ty = (int)(r % tilesH), tx = (g0 + i) % tilesW;
                    InputTile(job.X + n * imageIn, s, 2 * ty - s.PH, 2 * tx - s.PW, v + (nint)i * cin, vPlane);
                }
                if (count < 12)
                    for (int p = 0; p < Points; p++) new Span<float>(v + p * vPlane + (nint)count * cin, (12 - count) * cin).Clear();
                for (int c0 = 0; c0 < cout; c0 += 32)
                {
                    // The 16 products M[ξ] = V[ξ] U[ξ] for these 32 output channels, then the output transform (+ bias) into y.
                    for (int p = 0; p < Points; p++)
                        Gemm.MultiplyRowsByPanels32(v + p * vPlane, cin, job.U + (nint)p * cin * cout + (nint)c0 * cin, 12, 32, cin, m + p * mPlane, 32);
                    for (int i = 0; i < count; i++)
                    {
                        long r = r0 + (g0 + i) / tilesW;
                        int n = (int)(r / tilesH), ty = (int)(r % tilesH), tx = (g0 + i) % tilesW;
                        OutputTile(m + (nint)i * 32, mPlane, job.Bias == null ? null : job.Bias + c0, s, job.Y + n * imageOut + c0, 2 * ty, 2 * tx);
                    }
                }
            }
            if (job.Activation != FusedActivation.None)
            {
                long first = RowStart(s, r0, tilesH), last = RowStart(s, r1, tilesH);
                var span = new Span<float>(job.Y + first * s.OW * cout, checked((int)((last - first) * s.OW * cout)));
                switch (job.Activation)
                {
                    case FusedActivation.Relu: System.Numerics.Tensors.TensorPrimitives.Max(span, 0f, span); break;
                    case FusedActivation.Sigmoid: SigmoidKernel.Sigmoid(span, span); break;
                    case FusedActivation.Tanh: TanhKernel.Tanh(span, span); break;
                }
            }
        }
    }

    /// <summary>The flat output row (image × OH + oh) where tile row <paramref name="r"/> starts; tile row count = the end.</summary>
    private static long RowStart(in ConvShape s, long r, int tilesH)
    {
        long n = r / tilesH;
        int ty = (int)(r % tilesH);
        return n * s.OH + Math.Min(2 * ty, s.OH);
    }

    /// <summary>
    /// <c>V = Bᵀ d B</c> of the 4×4 input tile at (<paramref name="iy0"/>, <paramref name="ix0"/>) (zeros outside the
    /// input), 16 channels at a time: point ξ of the tile goes to <c>v + ξ·<paramref name="plane"/></c>.
    /// Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTile(float* image, in ConvShape s, int iy0, int ix0, float* v, nint plane)
    {
        int cin = s.Cin;
        bool inside = iy0 >= 0 && iy0 + 4 <= s.IH && ix0 >= 0 && ix0 + 4 <= s.IW;
        nint line = (nint)s.IW * cin;
        float* origin = image + iy0 * line + (nint)ix0 * cin;
        // Which of the 4 lines and 4 columns are inside (all, for an inner tile).
        int rowMask = 0, colMask = 0;
        for (int i = 0; i < 4; i++)
        {
            if ((uint)(iy0 + i) < (uint)s.IH) rowMask |= 1 << i;
            if ((uint)(ix0 + i) < (uint)s.IW) colMask |= 1 << i;
        }
        for (int c = 0; c < cin; c += 16)
        {
            float* o = origin + c;
            Vector512<float> d0, d1, d2, d3;
            // Line i of d B: [d0 − d2, d1 + d2, d2 − d1, d1 − d3].
            if (inside) { d0 = Vector512.Load(o); d1 = Vector512.Load(o + cin); d2 = Vector512.Load(o + 2 * cin); d3 = Vector512.Load(o + 3 * cin); }
            else { d0 = At(o, rowMask, colMask, 0, 0, line, cin); d1 = At(o, rowMask, colMask, 0, 1, line, cin); d2 = At(o, rowMask, colMask, 0, 2, line, cin); d3 = At(o, rowMask, colMask, 0, 3, line, cin); }
            var r00 = d0 - d2; var r01 = d1 + d2; var r02 = d2 - d1; var r03 = d1 - d3;
            if (inside) { o += line; d0 = Vector512.Load(o); d1 = Vector512.Load(o + cin); d2 = Vector512.Load(o + 2 * cin); d3 = Vector512.Load(o + 3 * cin); }
            else { d0 = At(o, rowMask, colMask, 1, 0, line, cin); d1 = At(o, rowMask, colMask, 1, 1, line, cin); d2 = At(o, rowMask, colMask, 1, 2, line, cin); d3 = At(o, rowMask, colMask, 1, 3, line, cin); }
            var r10 = d0 - d2; var r11 = d1 + d2; var r12 = d2 - d1; var r13 = d1 - d3;
            if (inside) { o += line; d0 = Vector512.Load(o); d1 = Vector512.Load(o + cin); d2 = Vector512.Load(o + 2 * cin); d3 = Vector512.Load(o + 3 * cin); }
            else { d0 = At(o, rowMask, colMask, 2, 0, line, cin); d1 = At(o, rowMask, colMask, 2, 1, line, cin); d2 = At(o, rowMask, colMask, 2, 2, line, cin); d3 = At(o, rowMask, colMask, 2, 3, line, cin); }
            var r20 = d0 - d2; var r21 = d1 + d2; var r22 = d2 - d1; var r23 = d1 - d3;
            if (inside) { o += line; d0 = Vector512.Load(o); d1 = Vector512.Load(o + cin); d2 = Vector512.Load(o + 2 * cin); d3 = Vector512.Load(o + 3 * cin); }
            else { d0 = At(o, rowMask, colMask, 3, 0, line, cin); d1 = At(o, rowMask, colMask, 3, 1, line, cin); d2 = At(o, rowMask, colMask, 3, 2, line, cin); d3 = At(o, rowMask, colMask, 3, 3, line, cin); }
            var r30 = d0 - d2; var r31 = d1 + d2; var r32 = d2 - d1; var r33 = d1 - d3;
            float* d = v + c;
            // Bᵀ across the lines, for each of the 4 columns of (d B).
            Store(r00 - r20, r10 + r20, r20 - r10, r10 - r30, d, plane);
            Store(r01 - r21, r11 + r21, r21 - r11, r11 - r31, d + plane, plane);
            Store(r02 - r22, r12 + r22, r22 - r12, r12 - r32, d + 2 * plane, plane);
            Store(r03 - r23, r13 + r23, r23 - r13, r13 - r33, d + 3 * plane, plane);
        }
    }

    /// <summary>Column b of line <c>a</c> of V goes to point <c>a·4 + b</c>: these four are lines 0-3 of column b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> l0, Vector512<float> l1, Vector512<float> l2, Vector512<float> l3, float* d, nint plane)
    {
        Vector512.Store(l0, d);
        Vector512.Store(l1, d + 4 * plane);
        Vector512.Store(l2, d + 8 * plane);
        Vector512.Store(l3, d + 12 * plane);
    }

    /// <summary>The 16 channels at line <paramref name="i"/>, column <paramref name="j"/> of a border tile, or zeros outside the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> At(float* o, int rowMask, int colMask, int i, int j, nint line, int cin)
        => ((rowMask >> i) & (colMask >> j) & 1) != 0 ? Vector512.Load(o + i * line + (nint)j * cin) : Vector512<float>.Zero;

    /// <summary>
    /// <c>Y = Aᵀ M A</c> of one tile (Aᵀ = [[1,1,1,0], [0,1,−1,−1]]) for 32 output channels (<paramref name="m"/>: a row
    /// of 32 per point, points <paramref name="plane"/> apart), 16 at a time, plus the bias, written at output
    /// (<paramref name="oy"/>, <paramref name="ox"/>) of <paramref name="image"/> (already offset to the first of the 32
    /// channels) where inside the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTile(float* m, nint plane, float* bias, in ConvShape s, float* image, int oy, int ox)
    {
        int cout = s.Cout;
        bool down = oy + 1 < s.OH, right = ox + 1 < s.OW;
        float* y0 = image + ((nint)oy * s.OW + ox) * cout;
        float* y1 = y0 + (nint)s.OW * cout;
        for (int c = 0; c < 32; c += 16)
        {
            float* p = m + c;
            // Line a of M A: [m_a0 + m_a1 + m_a2, m_a1 − m_a2 − m_a3].
            var m0 = Vector512.Load(p); var m1 = Vector512.Load(p + plane); var m2 = Vector512.Load(p + 2 * plane); var m3 = Vector512.Load(p + 3 * plane);
            var s00 = m0 + m1 + m2; var s01 = m1 - m2 - m3;
            p += 4 * plane;
            m0 = Vector512.Load(p); m1 = Vector512.Load(p + plane); m2 = Vector512.Load(p + 2 * plane); m3 = Vector512.Load(p + 3 * plane);
            var s10 = m0 + m1 + m2; var s11 = m1 - m2 - m3;
            p += 4 * plane;
            m0 = Vector512.Load(p); m1 = Vector512.Load(p + plane); m2 = Vector512.Load(p + 2 * plane); m3 = Vector512.Load(p + 3 * plane);
            var s20 = m0 + m1 + m2; var s21 = m1 - m2 - m3;
            p += 4 * plane;
            m0 = Vector512.Load(p); m1 = Vector512.Load(p + plane); m2 = Vector512.Load(p + 2 * plane); m3 = Vector512.Load(p + 3 * plane);
            var s30 = m0 + m1 + m2; var s31 = m1 - m2 - m3;
            var y00 = s00 + s10 + s20;
            var y01 = s01 + s11 + s21;
            var y10 = s10 - s20 - s30;
            var y11 = s11 - s21 - s31;
            if (bias != null)
            {
                var b = Vector512.Load(bias + c);
                y00 += b; y01 += b; y10 += b; y11 += b;
            }
            Vector512.Store(y00, y0 + c);
            if (right) Vector512.Store(y01, y0 + cout + c);
            if (down)
            {
                Vector512.Store(y10, y1 + c);
                if (right) Vector512.Store(y11, y1 + cout + c);
            }
        }
    }

    [ThreadStatic] private static float[]? t_v;
    [ThreadStatic] private static float[]? t_m;
    [ThreadStatic] private static Job? t_job;

    /// <summary>A pinned, 64-byte-aligned per-thread buffer of at least <paramref name="length"/> floats (grown once, reused).</summary>
    private static float* Scratch(ref float[]? slot, int length)
    {
        if (slot is null || slot.Length < length + 16) slot = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slot));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>One call split over threads by whole blocks, reused by the calling thread (no allocation once made).</summary>
    private sealed class Job
    {
        public Job() => Body = Run;

        public Action<int> Body { get; }
        public float* X, U, Bias, Y;
        public FusedActivation Activation;
        public ConvShape Shape;
        public int RowsPerBlock, Blocks, Parts;

        public void Set(float* x, float* u, float* bias, FusedActivation activation, float* y, in ConvShape s, int rowsPerBlock, int blocks, int parts)
        {
            X = x; U = u; Bias = bias; Y = y; Activation = activation; Shape = s;
            RowsPerBlock = rowsPerBlock; Blocks = blocks; Parts = parts;
        }

        public void Clear()
        {
            X = null; U = null; Bias = null; Y = null;
        }

        private void Run(int t) => RunBlocks(this, (int)((long)Blocks * t / Parts), (int)((long)Blocks * (t + 1) / Parts));
    }
}
