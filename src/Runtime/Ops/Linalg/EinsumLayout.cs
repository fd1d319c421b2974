namespace LayerGen.Operations;

/// <summary>
/// How the einsum kernel walks its operands for one set of input shapes: strides per label for the direct sum, and,
/// when the equation is a batched matrix product of two operands laid out so that each group of labels is one
/// strided axis, the GEMM's sizes and leading dimensions. Made once per shapes and kept by the op.
/// </summary>
internal sealed class EinsumLayout
{
    private Shape[] _shapes = [];

    /// <summary>Every label's size: the output's labels first, then the summed ones.</summary>
    public int[] Sizes { get; private init; } = [];
    /// <summary>Element strides of operand i for label l at <c>[i * Sizes.Length + l]</c> (0 where absent or broadcast).</summary>
    public int[] Strides { get; private init; } = [];
    /// <summary>The output's element stride per label (0 for summed labels).</summary>
    public int[] OutStrides { get; private init; } = [];

    /// <summary>Whether the two-operand GEMM path applies.</summary>
    public bool IsProduct { get; private set; }
    /// <summary>For the GEMM path: which operand is the left matrix (0 or 1).</summary>
    public int Left { get; private set; }
    /// <summary>The GEMM's rows, columns and depth.</summary>
    public int M { get; private set; }
    /// <inheritdoc cref="M"/>
    public int N { get; private set; }
    /// <inheritdoc cref="M"/>
    public int K { get; private set; }
    /// <summary>Leading dimensions as the strided GEMM takes them.</summary>
    public int Lda { get; private set; }
    /// <inheritdoc cref="Lda"/>
    public int Ldb { get; private set; }
    /// <inheritdoc cref="Lda"/>
    public int Ldc { get; private set; }
    /// <summary>Whether the left/right matrix is read transposed.</summary>
    public bool TransA { get; private set; }
    /// <inheritdoc cref="TransA"/>
    public bool TransB { get; private set; }
    /// <summary>The batch labels' sizes and their strides in the left matrix, the right matrix and the output.</summary>
    public int[] BatchSizes { get; private set; } = [];
    /// <inheritdoc cref="BatchSizes"/>
    public int[] BatchA { get; private set; } = [];
    /// <inheritdoc cref="BatchSizes"/>
    public int[] BatchB { get; private set; } = [];
    /// <inheritdoc cref="BatchSizes"/>
    public int[] BatchC { get; private set; } = [];
    /// <summary>The number of matrix products.</summary>
    public int BatchCount { get; private set; }

    /// <summary>Whether this layout was made for these inputs' shapes.</summary>
    public bool IsFor(ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length != _shapes.Length) return false;
        for (int i = 0; i < inputs.Length; i++) if (inputs[i].Shape != _shapes[i]) return false;
        return true;
    }

    public static EinsumLayout Create(EinsumEquation eq, ReadOnlySpan<TensorSpec> inputs, Shape output)
    {
        var sizes = eq.Sizes(inputs);
        var labels = new List<char>(eq.Output);
        foreach (var t in eq.Terms) foreach (char l in t) if (!labels.Contains(l)) labels.Add(l);
        int nl = labels.Count;
        var strides = new int[inputs.Length * nl];
        var shapes = new Shape[inputs.Length];
        var rowMajor = new int[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            var shape = inputs[i].Shape;
            shapes[i] = shape;
            rowMajor[i] = shape.Strides();
            for (int a = 0; a < shape.Rank; a++)
                if (shape[a] != 1) strides[i * nl + labels.IndexOf(eq.Terms[i][a])] = rowMajor[i][a];
        }
        var outStrides = new int[nl];
        var outRowMajor = output.Strides();
        for (int a = 0; a < eq.Output.Length; a++) outStrides[a] = outRowMajor[a];
        var layout = new EinsumLayout
        {
            _shapes = shapes,
            Sizes = [.. labels.Select(l => sizes[l])],
            Strides = strides,
            OutStrides = outStrides,
        };
        if (inputs.Length == 2 && !layout.TryProduct(eq, inputs, 0, rowMajor, outRowMajor))
            layout.TryProduct(eq, inputs, 1, rowMajor, outRowMajor);
        return layout;
    }

    /// <summary>Sets up the GEMM path with operand <paramref name="left"/> as the left matrix, if the layout allows.</summary>
    private bool TryProduct(EinsumEquation eq, ReadOnlySpan<TensorSpec> inputs, int left, int[][] rowMajor, int[] outRowMajor)
    {
        int right = 1 - left;
        string ta = eq.Terms[left], tb = eq.Terms[right], to = eq.Output;
        Shape sa = inputs[left].Shape, sb = inputs[right].Shape;
        // Every label must be in the output or in both operands (no label summed in one operand alone).
        foreach (char l in ta) if (!to.Contains(l) && !tb.Contains(l)) return false;
        foreach (char l in tb) if (!to.Contains(l) && !ta.Contains(l)) return false;
        string batch = new([.. to.Where(l => ta.Contains(l) && tb.Contains(l))]);
        string contr = new([.. ta.Where(l => tb.Contains(l) && !to.Contains(l))]);
        string fa = new([.. to.Where(l => ta.Contains(l) && !tb.Contains(l))]);
        string fb = new([.. to.Where(l => tb.Contains(l) && !ta.Contains(l))]);
        // Columns are the output's innermost axes; rows one block of the output; each group one block in its operand.
        if (!to.EndsWith(fb, StringComparison.Ordinal) || !to.Contains(fa, StringComparison.Ordinal)) return false;
        if (!ta.Contains(fa, StringComparison.Ordinal) || !ta.Contains(contr, StringComparison.Ordinal)) return false;
        if (!tb.Contains(fb, StringComparison.Ordinal) || !tb.Contains(contr, StringComparison.Ordinal)) return false;
        foreach (char l in contr) if (sa[ta.IndexOf(l)] != sb[tb.IndexOf(l)]) return false;

        int m = Product(sa, ta, fa), n = Product(sb, tb, fb), k = Product(sa, ta, contr);
        int mStride = Inner(rowMajor[left], ta, fa), kStrideA = Inner(rowMajor[left], ta, contr);
        int kStrideB = Inner(rowMajor[right], tb, contr), nStride = Inner(rowMajor[right], tb, fb);
        bool transA, transB;
        int lda, ldb;
        if (k == 1 || kStrideA == 1) { transA = false; lda = m == 1 ? Math.Max(k, 1) : mStride; }
        else if (m == 1 || mStride == 1) { transA = true; lda = kStrideA; }
        else return false;
        if (n == 1 || nStride == 1) { transB = false; ldb = k == 1 ? Math.Max(n, 1) : kStrideB; }
        else if (k == 1 || kStrideB == 1) { transB = true; ldb = n == 1 ? Math.Max(k, 1) : nStride; }
        else return false;

        var bs = new int[batch.Length];
        var ba = new int[batch.Length];
        var bb = new int[batch.Length];
        var bc = new int[batch.Length];
        long count = 1;
        for (int d = 0; d < batch.Length; d++)
        {
            char l = batch[d];
            int ia = ta.IndexOf(l), ib = tb.IndexOf(l), io = to.IndexOf(l);
            bs[d] = Math.Max(sa[ia], sb[ib]);
            ba[d] = sa[ia] == 1 ? 0 : rowMajor[left][ia];
            bb[d] = sb[ib] == 1 ? 0 : rowMajor[right][ib];
            bc[d] = outRowMajor[io];
            count *= bs[d];
        }
        IsProduct = true;
        Left = left;
        (M, N, K) = (m, n, k);
        (TransA, TransB, Lda, Ldb) = (transA, transB, lda, ldb);
        Ldc = fa.Length == 0 ? Math.Max(n, 1) : outRowMajor[to.IndexOf(fa[^1])];
        (BatchSizes, BatchA, BatchB, BatchC, BatchCount) = (bs, ba, bb, bc, checked((int)count));
        return true;
    }

    private static int Product(Shape shape, string term, string group)
    {
        long p = 1;
        foreach (char l in group) p *= shape[term.IndexOf(l)];
        return checked((int)p);
    }

    /// <summary>The element stride of a group of consecutive axes (its last axis's stride; 1 for no axes).</summary>
    private static int Inner(int[] rowMajor, string term, string group) => group.Length == 0 ? 1 : rowMajor[term.IndexOf(group[^1])];
}
