namespace LayerGen.Graphs;

/// <summary>
/// A dense layer's step: a float32 rank-2 MatMul whose GEMM writes the buffer, then, when the group has them, the
/// bias and the activation run: the bias and a ReLU inside the GEMM on each finished tile (Gemm.SgemmBias), sigmoid and tanh over each row afterwards. A fixed weight (variable or constant) is
/// packed into the GEMM's panel layout once it was seen unchanged between two runs, and again only after the variable's
/// value changes (an input its owner keeps fixed, <paramref name="runFixed"/>: after the owner's
/// <see cref="RunFixedInputs.Changed"/>); a weight that changes every run (training) is packed inside the parallel GEMM
/// instead.
/// Arguments: x, W, and the bias when <paramref name="hasBias"/>.
/// </summary>
internal sealed class DenseStep(int nodeId, MatMulOp op, int[] inputs, TensorSpec spec, Tensor? buffer, Kernels.FusedActivation activation, bool fixedWeight, bool hasBias,
    RunFixedInputs? runFixed = null)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    private readonly int _m = spec.Shape[0], _n = spec.Shape[1];

    // The weight packed for the GEMM, and the variable version it was packed at: packed at the first run and
    // again after any assignment (optimizer steps, checkpoint restores), so runs always see current values.
    private Kernels.PackedMatrix? _packedWeight;
    private int _packedVersion;
    // The weight's version at the last run (a fixed weight is packed ahead only once it was seen unchanged).
    private int _seenVersion;
    private bool _seen;

    /// <summary>A float32 product of two matrices (rank 2), which a dense step runs.</summary>
    public static bool Fits(PlanFusionContext context, GraphNode matMul)
    {
        var specs = context.Specs;
        return specs[matMul.Id].DType == DType.Float32 && specs[matMul.Id].Shape.Rank == 2
            && specs[matMul.Inputs[0]].Shape.Rank == 2 && specs[matMul.Inputs[1]].Shape.Rank == 2;
    }

    /// <inheritdoc/>
    public override Tensor Execute()
    {
        // The GEMM (the MatMul op's float32 kernel) writes every element of the buffer.
        var x = Arguments[0];
        var w = Arguments[1];
        var c = Buffer ?? Tensor.Empty(Spec.Shape, DType.Float32);
        AllocatedLastRun = Buffer is null;
        var matMul = (MatMulOp)Op;
        int k = matMul.TransposeA ? x.Shape[0] : x.Shape[1];
        int version = w is Variable v ? v.Version : runFixed?.Version ?? 0;
        bool changed = version != _seenVersion || !_seen;
        _seenVersion = version;
        _seen = true;
        // A weight that changed since the last run (a training step's, updated every step) is packed by the GEMM itself,
        // each thread its own panels; one that stayed (inference) is packed once here, on one thread, and reused.
        // A loop's captured weight (run-fixed, not a variable) keeps its value for all the steps of the loop's run: it is
        // packed at the run's first step, without waiting to see it unchanged.
        bool runFixedWeight = runFixed is not null && w is not Variable;
        // The bias and a ReLU run inside the GEMM, on each tile as it is finished (Gemm.SgemmBias: the same arithmetic);
        // sigmoid and tanh still run row by row afterwards.
        bool relu = activation == Kernels.FusedActivation.Relu;
        bool inGemm = hasBias && (relu || activation == Kernels.FusedActivation.None);
        if (fixedWeight && (!changed || runFixedWeight) && Kernels.Gemm.IsBlocked(_m, _n, k))
        {
            if (_packedWeight is null || version != _packedVersion)
            {
                _packedWeight = Kernels.Gemm.PackB(w.AsSpan<float>(), matMul.TransposeB, k, _n, _packedWeight);
                _packedVersion = version;
            }
            if (inGemm) Kernels.Gemm.SgemmBias(x.AsSpan<float>(), matMul.TransposeA, _packedWeight, c.Data<float>(), _m, Kernels.Gemm.DefaultThreads, Arguments[2].AsSpan<float>(), relu);
            else Kernels.Gemm.Sgemm(x.AsSpan<float>(), matMul.TransposeA, _packedWeight, c.Data<float>(), _m, Kernels.Gemm.DefaultThreads);
        }
        else if (inGemm)
        {
            Kernels.Gemm.SgemmBias(x.AsSpan<float>(), matMul.TransposeA, w.AsSpan<float>(), matMul.TransposeB, c.Data<float>(), _m, _n, k, Arguments[2].AsSpan<float>(), relu);
        }
        else
        {
            Kernels.Gemm.Sgemm(x.AsSpan<float>(), matMul.TransposeA, w.AsSpan<float>(), matMul.TransposeB, c.Data<float>(), _m, _n, k);
        }
        if (hasBias && !inGemm) Kernels.BiasActivation.Apply(c.Data<float>(), _m, Arguments[2].AsSpan<float>(), activation);
        return c;
    }
}
