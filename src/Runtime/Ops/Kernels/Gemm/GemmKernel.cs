namespace LayerGen.Kernels;

/// <summary>Which float32 micro-kernel the GEMM uses.</summary>
internal enum GemmKernel
{
    /// <summary>Portable scalar code (4×8 tile).</summary>
    Scalar,
    /// <summary>AVX2 + FMA3, Vector256 (6×16 tile).</summary>
    Avx2,
    /// <summary>AVX-512F, Vector512 (12×32 tile).</summary>
    Avx512,
    /// <summary>AVX-512F with a 16×16 tile, for products at most 16 columns wide (chosen by the GEMM, not a level of its own).</summary>
    Avx512Narrow,
}
