using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// A convolution's fused epilogue, <c>y = act(y + bias)</c> over a block of output positions (rows of Cout values) while
/// the block is still in cache: run by <see cref="ConvKernels"/> after each block's GEMM when a plan fused the layer's
/// bias and activation (<c>ConvStep</c>). Same arithmetic as the unfused <see cref="AddOp"/> and activation kernels
/// (one float addition per value, then <see cref="BiasActivation"/>'s activation kernels), so results are bitwise equal.
/// </summary>
internal static unsafe class ConvEpilogue
{
    /// <summary>Applies the bias (<paramref name="cout"/> values) and <paramref name="activation"/> to <paramref name="rows"/> rows at <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(float* y, int rows, float* bias, int cout, FusedActivation activation)
    {
        if (rows <= 0) return;
        if (Vector512.IsHardwareAccelerated && cout % 16 == 0 && cout <= 128)
        {
            // The bias held in registers (at most 8 vectors), added row after row.
            int v = cout / 16;
            var b = stackalloc Vector512<float>[8];
            for (int j = 0; j < v; j++) b[j] = Vector512.Load(bias + j * 16);
            float* p = y;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < v; j++, p += 16) Vector512.Store(Vector512.Load(p) + b[j], p);
        }
        else
        {
            var bs = new ReadOnlySpan<float>(bias, cout);
            for (int r = 0; r < rows; r++)
            {
                var row = new Span<float>(y + (nint)r * cout, cout);
                TensorPrimitives.Add(row, bs, row);
            }
        }
        var all = new Span<float>(y, checked(rows * cout));
        switch (activation)
        {
            case FusedActivation.Relu: TensorPrimitives.Max(all, 0f, all); break;
            case FusedActivation.Sigmoid: SigmoidKernel.Sigmoid(all, all); break;
            case FusedActivation.Tanh: TanhKernel.Tanh(all, all); break;
        }
    }
}
