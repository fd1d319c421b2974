namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the linalg ops (<c>src/Runtime/Ops/Linalg/</c>).</summary>
internal static class OnnxLinalgMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<MatMulOp>("MatMul", MatMul);
        OnnxOpMappings.Register<EinsumOp>("Einsum", Einsum);
    }
#pragma warning restore CA2255

    private static void MatMul(MatMulOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        string a = node.Inputs[0], b = node.Inputs[1];
        if (op.TransposeA) { var t = emitter.Temp("a_t"); emitter.Node("Transpose", [a], t, ("perm", SwapLast(node.InputSpec(0).Shape.Rank))); a = t; }
        if (op.TransposeB) { var t = emitter.Temp("b_t"); emitter.Node("Transpose", [b], t, ("perm", SwapLast(node.InputSpec(1).Shape.Rank))); b = t; }
        emitter.Node("MatMul", [a, b], node.Output);
    }

    /// <summary>
    /// ONNX's Einsum (opset 12+), with the equation written out in letters and an explicit output. ONNX does not
    /// broadcast a size-1 axis against a larger one of the same label, so such an axis gets a label of its own, summed
    /// over its one element.
    /// </summary>
    private static void Einsum(EinsumOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var specs = new TensorSpec[node.Inputs.Count];
        for (int i = 0; i < specs.Length; i++) specs[i] = node.InputSpec(i);
        var eq = op.Read(specs);
        var sizes = eq.Sizes(specs);
        var terms = new string[specs.Length];
        char spare = (char)(EinsumEquation.EllipsisBase + 0x100);
        for (int i = 0; i < specs.Length; i++)
        {
            var t = eq.Terms[i].ToCharArray();
            for (int a = 0; a < t.Length; a++)
                if (specs[i].Shape[a] == 1 && sizes[t[a]] != 1) t[a] = spare++;
            terms[i] = new string(t);
        }
        emitter.Node("Einsum", node.Inputs, node.Output, ("equation", EinsumEquation.Write(terms, eq.Output)));
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
