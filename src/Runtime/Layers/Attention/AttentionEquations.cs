namespace LayerGen.Layers;

/// <summary>The einsum equations of <see cref="MultiHeadAttention"/> (Keras's <c>_build_proj_equation</c> and <c>_build_attention_equation</c>).</summary>
internal static class AttentionEquations
{
    private static char Letter(int i) => (char)('a' + i);

    /// <summary>A projection: <paramref name="freeDims"/> kept axes, <paramref name="boundDims"/> contracted, <paramref name="outputDims"/> new.</summary>
    public static (string Equation, string BiasAxes, int OutputRank) Projection(int freeDims, int boundDims, int outputDims)
    {
        string input = "", kernel = "", output = "", bias = "";
        int offset = 0;
        for (int i = 0; i < freeDims; i++) { input += Letter(i + offset); output += Letter(i + offset); }
        offset += freeDims;
        for (int i = 0; i < boundDims; i++) { input += Letter(i + offset); kernel += Letter(i + offset); }
        offset += boundDims;
        for (int i = 0; i < outputDims; i++) { kernel += Letter(i + offset); output += Letter(i + offset); bias += Letter(i + offset); }
        return ($"{input},{kernel}->{output}", bias, output.Length);
    }

    /// <summary>The query-key product and the combination with the values, for projected tensors of <paramref name="rank"/>.</summary>
    public static (string DotProduct, string Combine, int ScoresRank) Attention(int rank, int[] attnAxes)
    {
        string target = "";
        for (int i = 0; i < rank; i++) target += Letter(i);
        var batchDims = Enumerable.Range(0, rank).Where(i => !attnAxes.Contains(i) && i != rank - 1).ToArray();
        int offset = rank;
        string source = "";
        for (int i = 0; i < rank; i++)
        {
            if (batchDims.Contains(i) || i == rank - 1) source += target[i];
            else source += Letter(offset++);
        }
        string product = string.Concat(batchDims.Select(i => target[i])) + string.Concat(attnAxes.Select(i => target[i])) + string.Concat(attnAxes.Select(i => source[i]));
        return ($"{source},{target}->{product}", $"{product},{source}->{target}", product.Length);
    }
}
