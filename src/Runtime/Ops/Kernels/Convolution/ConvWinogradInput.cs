using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// The input gradient of a convolution that <see cref="Fits"/> (with Cin a multiple of 32) as the transpose of the
/// forward's F(2×2, 3×3), on the forward's own tiles: the forward tile is <c>Y = Aᵀ [U ⊙ (Bᵀ d B)] A</c>, linear in the
/// 4×4 input tile d, so its adjoint is <c>dd = B [U ⊙ (A dY Aᵀ)] Bᵀ</c>, and the input gradient is the sum of the dd of
/// the tiles that overlap each input position (tiles 2 apart, 4 wide). Per point ξ the products are GEMMs
/// <c>[tiles, Cout] @ U[ξ]ᵀ [Cout, Cin]</c>. For the convnet's second convolution that is 36 tiles per image
/// (151 M multiply-adds) instead of the 49 of the input gradient written as a padded convolution
/// (<see cref="InputGradientShape"/>: 206 M), and no padded copy of dy.
/// <list type="bullet">
/// <item>The kernel is transformed once per call, transposed (<see cref="TransformKernelTransposed"/>): 16 matrices
/// <c>[Cout, Cin]</c> in 32-column panels.</item>
/// <item>Threads take whole images (tiles of one image overlap in dx); within its images a thread takes 12 tiles at a
/// time in order (image, tile row, tile column): <c>Z = A dY Aᵀ</c> into <c>Z[ξ][12][Cout]</c>, the 16 products per 32
/// input channels into <c>M[ξ][12][32]</c>, then <c>B M Bᵀ</c> of each tile added into dx (zeroed image by image first)
/// where inside the input. Every dx value is 0 plus its tiles' contributions in tile order, whatever the split, so the
/// bits do not depend on the thread count.</item>
/// </list>
/// </summary>
internal static unsafe partial class ConvWinograd
{
    /// <summary>Whether the input gradient of <paramref name="s"/> runs as the forward tiles' transpose (<see cref="InputGradient"/>).</summary>
    public static bool FitsTransposedInputGradient(in ConvShape s) => Fits(s) && s.Cin % 32 == 0;

    /// <summary>
    /// <c>dx = ∂/∂x Σ dy · conv(x, w)</c> for a shape that <see cref="FitsTransposedInputGradient"/>: <paramref name="dy"/>
    /// <c>(N, OH, OW, Cout)</c>, <paramref name="w"/> <c>(3, 3, Cin, Cout)</c>, <paramref name="dx"/> <c>(N, IH, IW, Cin)</c>,
    /// overwritten. Up to <paramref name="threads"/> threads take whole images.
    /// </summary>
    public static void InputGradient(float* dy, float* w, float* dx, in ConvShape s, int threads)
    {
        if (s.N == 0) return;
        float* u = Scratch(ref t_ut, KernelLength(s));
        TransformKernelTransposed(w, s, u);
        int parts = Math.Max(1, Math.Min(threads, s.N));
        var job = t_inputJob ??= new InputJob();
        job.Set(dy, u, dx, s, parts);
        if (parts == 1) job.Body(0);
        else ForkJoin.Run(parts, job.Body);
        job.Clear();
    }

    /// <summary>
    /// <c>U[ξ] = (G g Gᵀ)[ξ]</c> as <see cref="TransformKernel"/> computes it, written transposed: 16 matrices
    /// <c>[Cout, Cin]</c> in 32-column panels (element (co, ci) of point ξ at <c>ξ·Cin·Cout + (ci/32)·Cout·32 + co·32 + ci%32</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformKernelTransposed(float* w, in ConvShape s, float* u)
    {
        int cin = s.Cin, cout = s.Cout;
        var t = stackalloc Vector512<float>[12];
        var g = stackalloc Vector512<float>[9];
        float* lanes = stackalloc float[16];
        var half = Vector512.Create(0.5f);
        nint plane = (nint)cin * cout;
        for (int co = 0; co < cout; co++)
        {
            for (int ci0 = 0; ci0 < cin; ci0 += 16)
            {
                // g[tap]: the 3×3 window of 16 input channels and this output channel.
                for (int tap = 0; tap < 9; tap++)
                {
                    float* src = w + ((nint)tap * cin + ci0) * cout + co;
                    for (int l = 0; l < 16; l++) lanes[l] = src[(nint)l * cout];
                    g[tap] = Vector512.Load(lanes);
                }
                for (int j = 0; j < 3; j++)
                {
                    var g0 = g[j];
                    var g1 = g[3 + j];
                    var g2 = g[6 + j];
                    t[j] = g0;
                    t[3 + j] = (g0 + g1 + g2) * half;
                    t[6 + j] = (g0 - g1 + g2) * half;
                    t[9 + j] = g2;
                }
                float* dst = u + (nint)(ci0 / 32) * cout * 32 + (nint)co * 32 + ci0 % 32;
                for (int a = 0; a < 4; a++)
                {
                    var t0 = t[3 * a];
                    var t1 = t[3 * a + 1];
                    var t2 = t[3 * a + 2];
                    float* d = dst + (nint)(a * 4) * plane;
                    Vector512.Store(t0, d);
                    Vector512.Store((t0 + t1 + t2) * half, d + plane);
                    Vector512.Store((t0 - t1 + t2) * half, d + 2 * plane);
                    Vector512.Store(t2, d + 3 * plane);
                }
            }
        }
    }

    /// <summary>Images [<paramref name="n0"/>, <paramref name="n1"/>) of the input gradient on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientImages(InputJob job, int n0, int n1)
    {
        var s = job.Shape;
        int cin = s.Cin, cout = s.Cout;
        int tilesH = (s.OH + 1) / 2, tilesW = (s.OW + 1) / 2, perImage = tilesH * tilesW;
        nint zPlane = 12 * cout + PlanePad, mPlane = 12 * 32 + PlanePad;
        float* z = Scratch(ref t_iz, (int)(Points * zPlane));
        float* m = Scratch(ref t_m, (int)(Points * mPlane));
        long imageIn = (long)s.IH * s.IW * cin, imageOut = (long)s.OH * s.OW * cout;
        new Span<float>(job.Dx + n0 * imageIn, checked((int)((n1 - n0) * imageIn))).Clear();
        long t1 = (long)n1 * perImage;
        for (long g0 = (long)n0 * perImage; g0 < t1; g0 += 12)
        {
            int count = (int)Math.Min(12, t1 - g0);
            // Z = A dY Aᵀ of the group's tiles, rows of Cout per point; zero rows past the last.
            for (int i = 0; i < count; i++)
            {
                long t = g0 + i;
                int n = (int)(t / perImage), rem = (int)(t % perImage);
                GradientTile(job.Dy + n * imageOut, s, 2 * (rem / tilesW), 2 * (rem % tilesW), z + (nint)i * cout, zPlane, panelStride: 32);
            }
            if (count < 12)
                for (int p = 0; p < Points; p++) new Span<float>(z + p * zPlane + (nint)count * cout, (12 - count) * cout).Clear();
            for (int c0 = 0; c0 < cin; c0 += 32)
            {
                // M[ξ] = Z[ξ] U[ξ]ᵀ for these 32 input channels, then each tile's B M Bᵀ added into dx.
                for (int p = 0; p < Points; p++)
                    Gemm.MultiplyRowsByPanels32(z + p * zPlane, cout, job.U + (nint)p * cin * cout + (nint)c0 * cout, 12, 32, cout, m + p * mPlane, 32);
                for (int i = 0; i < count; i++)
                {
                    long t = g0 + i;
                    int n = (int)(t / perImage), rem = (int)(t % perImage);
                    AddInputTile(m + (nint)i * 32, mPlane, s, job.Dx + n * imageIn + c0, 2 * (rem / tilesW) - s.PH, 2 * (rem % tilesW) - s.PW);
                }
            }
        }
    }

    /// <summary>
    /// <c>dd = B M Bᵀ</c> of one tile (B = [[1,0,0,0], [0,1,−1,1], [−1,1,1,0], [0,0,0,−1]]) for 32 input channels
    /// (<paramref name="m"/>: a row of 32 per point, points <paramref name="plane"/> apart), added into the 4×4 input tile at
    /// (<paramref name="iy0"/>, <paramref name="ix0"/>) of <paramref name="image"/> (offset to the first of the 32 channels)
    /// where inside the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddInputTile(float* m, nint plane, in ConvShape s, float* image, int iy0, int ix0)
    {
        int cin = s.Cin;
        nint line = (nint)s.IW * cin;
        var r0 = stackalloc Vector512<float>[16];
        for (int c = 0; c < 32; c += 16)
        {
            // Rows of B M: [m0, m1 − m2 + m3, −m0 + m1 + m2, −m3] over the point rows, per point column b.
            float* p = m + c;
            for (int b = 0; b < 4; b++)
            {
                var m0 = Vector512.Load(p + b * plane);
                var m1 = Vector512.Load(p + (4 + b) * plane);
                var m2 = Vector512.Load(p + (8 + b) * plane);
                var m3 = Vector512.Load(p + (12 + b) * plane);
                r0[b] = m0;
                r0[4 + b] = m1 - m2 + m3;
                r0[8 + b] = m1 + m2 - m0;
                r0[12 + b] = -m3;
            }
            for (int a = 0; a < 4; a++)
            {
                int iy = iy0 + a;
                if ((uint)iy >= (uint)s.IH) continue;
                var l0 = r0[4 * a]; var l1 = r0[4 * a + 1]; var l2 = r0[4 * a + 2]; var l3 = r0[4 * a + 3];
                // Then across the columns: [l0, l1 − l2 + l3, −l0 + l1 + l2, −l3].
                float* dst = image + iy * line + (nint)ix0 * cin + c;
                AddAt(dst, ix0, s.IW, cin, 0, l0);
                AddAt(dst, ix0, s.IW, cin, 1, l1 - l2 + l3);
                AddAt(dst, ix0, s.IW, cin, 2, l1 + l2 - l0);
                AddAt(dst, ix0, s.IW, cin, 3, -l3);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddAt(float* dst, int ix0, int iw, int cin, int j, Vector512<float> v)
    {
        if ((uint)(ix0 + j) >= (uint)iw) return;
        float* d = dst + (nint)j * cin;
        Vector512.Store(Vector512.Load(d) + v, d);
    }

    [ThreadStatic] private static float[]? t_ut;
    [ThreadStatic] private static float[]? t_iz;
    [ThreadStatic] private static InputJob? t_inputJob;

    /// <summary>One input-gradient call split over threads by whole images, reused by the calling thread.</summary>
    private sealed class InputJob
    {
        public InputJob() => Body = Run;

        public Action<int> Body { get; }
        public float* Dy, U, Dx;
        public ConvShape Shape;
        public int Parts;

        public void Set(float* dy, float* u, float* dx, in ConvShape s, int parts)
        {
            Dy = dy; U = u; Dx = dx; Shape = s; Parts = parts;
        }

        public void Clear()
        {
            Dy = null; U = null; Dx = null;
        }

        private void Run(int t) => InputGradientImages(this, (int)((long)Shape.N * t / Parts), (int)((long)Shape.N * (t + 1) / Parts));
    }
}
