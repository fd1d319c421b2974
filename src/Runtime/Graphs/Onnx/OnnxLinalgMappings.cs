namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the linalg ops (<c>src/Runtime/Ops/Linalg/</c>).</summary>
internal static class OnnxLinalgMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<MatMulOp>("MatMul", MatMul);
    }
#pragma warning restore CA2255

    private static void MatMul(MatMulOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        string a = node.Inputs[0], b = node.Inputs[1];
        if (op.TransposeA) { var t = emitter.Temp("a_t"); emitter.Node("Transpose", [a], t, ("perm", SwapLast(node.InputSpec(0).Shape.Rank))); a = t; }
        if (op.TransposeB) { var t = emitter.Temp("b_t"); emitter.Node("Transpose", [b], t, ("perm", SwapLast(node.InputSpec(1).Shape.Rank))); b = t; }
        emitter.Node("MatMul", [a, b], node.Output);
    }

    /// <summary>The ONNX Transpose permutation swapping the last two axes.</summary>
    private static long[] SwapLast(int rank)
    {
        var perm = new long[rank];
        for (int i = 0; i < rank; i++) perm[i] = i;
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return perm;
    }
}
