using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

/// <summary>
/// A GEMM entry point for callers that pack both operands themselves (the convolution's implicit GEMM packs input
/// windows straight into A's panels, with no im2col buffer): only the micro-kernel loop, no blocking or threads.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The tile (<c>Mr</c> rows of A per panel, <c>Nr</c> columns of B per panel) that <see cref="MultiplyPanels"/> uses for
    /// a product <paramref name="n"/> columns wide with the best kernel of this CPU.
    /// </summary>
    public static (int Mr, int Nr) PanelTile(int n) => Tile(KernelFor(Best, n));

    /// <summary>
    /// <c>C[m, n] (+)= A[m, k] · B[k, n]</c> with both operands already packed in the layouts of <see cref="PanelTile"/>
    /// (<c>Mr</c>, <c>Nr</c>): A as ⌈m/Mr⌉ panels of <c>k × Mr</c> values (element (i, q) of panel p at
    /// <c>p·k·Mr + q·Mr + i</c>, rows past m zero), B as ⌈n/Nr⌉ panels of <c>k × Nr</c> (element (q, j) of panel p at
    /// <c>p·k·Nr + q·Nr + j</c>, columns past n zero). C is row-major with row stride <paramref name="ldc"/>. The calling
    /// thread runs it all; k is one block (the caller keeps the panels in cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyPanels(float* packedA, float* packedB, int m, int n, int k, float* c, int ldc, bool accumulate)
    {
        if (m <= 0 || n <= 0) return;
        var kernel = KernelFor(Best, n);
        var (mr, nr) = Tile(kernel);
        float* tile = stackalloc float[16 * 32];
        int panels = Ceil(n, nr);
        for (int panel = 0; panel < panels; panel++)
        {
            int j0 = panel * nr, w = Math.Min(nr, n - j0);
            float* bp = packedB + (nint)panel * k * nr;
            for (int r = 0; r < m; r += mr)
            {
                int h = Math.Min(mr, m - r);
                float* ap = packedA + (nint)r * k;
                float* cp = c + (nint)r * ldc + j0;
                if (h == mr && w == nr)
                {
                    Micro(kernel, k, ap, 1, mr, bp, cp, ldc, accumulate);
                    continue;
                }
                Micro(kernel, k, ap, 1, mr, bp, tile, nr, false);
                for (int i = 0; i < h; i++)
                {
                    var ci = new Span<float>(cp + (nint)i * ldc, w);
                    var ti = new ReadOnlySpan<float>(tile + i * nr, w);
                    if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(ci, ti, ci);
                    else ti.CopyTo(ci);
                }
            }
        }
    }
}
