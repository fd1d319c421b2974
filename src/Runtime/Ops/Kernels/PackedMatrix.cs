using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Kernels;

/// <summary>
/// op(B) of a float32 GEMM packed once (<see cref="Gemm.PackB(ReadOnlySpan{float}, bool, int, int, PackedMatrix?)"/>) into the panels the micro-kernel reads: for each
/// depth block, every column panel of <c>kc × NR</c> values, zero-padded to a whole panel. A plan keeps one per dense
/// layer so its products skip packing the weights, as ONNX Runtime pre-packs constant MatMul weights.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    private readonly float[] _storage;

    internal PackedMatrix(int k, int n, GemmKernel kernel, int length)
    {
        K = k;
        N = n;
        Kernel = kernel;
        // Pinned, so the pointer below stays valid; 64-byte aligned as the per-product scratch panels are.
        _storage = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        Pointer = (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>Rows of op(B) (the product's depth).</summary>
    public int K { get; }

    /// <summary>Columns of op(B) (and of C).</summary>
    public int N { get; }

    /// <summary>The micro-kernel the panels are laid out for.</summary>
    public GemmKernel Kernel { get; }

    /// <summary>The first packed value (64-byte aligned, in the pinned storage).</summary>
    internal float* Pointer { get; }

    /// <summary>Bytes held, alignment slack included.</summary>
    public long Bytes => (long)_storage.Length * sizeof(float);
}
