using System.Numerics.Tensors;

namespace LayerGen.Kernels;

/// <summary>The activations an <see cref="ExecutionPlan"/> fuses into a dense step's epilogue.</summary>
internal enum FusedActivation
{
    /// <summary>No activation: only the bias.</summary>
    None,
    /// <summary><see cref="ReluOp"/>.</summary>
    Relu,
    /// <summary><see cref="SigmoidOp"/>.</summary>
    Sigmoid,
    /// <summary><see cref="TanhOp"/>.</summary>
    Tanh,
}

/// <summary>
/// The epilogue of a dense layer, <c>c = act(c + bias)</c> row by row while the row is in cache, with the
/// same kernels as the <see cref="AddOp"/>, <see cref="ReluOp"/>, <see cref="SigmoidOp"/> and
/// <see cref="TanhOp"/> kernels, so fused and unfused results are bitwise equal.
/// </summary>
internal static class BiasActivation
{
    /// <summary>The fusable activation <paramref name="op"/> computes, or null when it is not one.</summary>
    public static FusedActivation? Of(Op op) => op switch
    {
        ReluOp => FusedActivation.Relu,
        SigmoidOp => FusedActivation.Sigmoid,
        TanhOp => FusedActivation.Tanh,
        _ => null,
    };

    /// <summary>Applies the epilogue to the <paramref name="rows"/> rows of <paramref name="c"/>, each as long as <paramref name="bias"/>.</summary>
    public static void Apply(Span<float> c, int rows, ReadOnlySpan<float> bias, FusedActivation activation)
    {
        int n = bias.Length;
        for (int i = 0; i < rows; i++)
        {
            var row = c.Slice(i * n, n);
            TensorPrimitives.Add(row, bias, row);
            switch (activation)
            {
                case FusedActivation.Relu: TensorPrimitives.Max(row, 0f, row); break;
                case FusedActivation.Sigmoid: SigmoidKernel.Sigmoid(row, row); break;
                case FusedActivation.Tanh: TanhKernel.Tanh(row, row); break;
            }
        }
    }
}
