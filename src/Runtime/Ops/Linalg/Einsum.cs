namespace LayerGen.Operations;

/// <summary>
/// Einstein summation (<c>"abc,cde-&gt;abde"</c>) written with existing ops: each pair of operands becomes one
/// batched <see cref="Ops.MatMul"/> (the packed GEMM) between <see cref="Ops.Transpose"/>/<see cref="Ops.Reshape"/>
/// steps that are skipped when the operands are already in order; labels found in one operand only and not in the
/// output are summed first. Its gradient, tracing, plans and ONNX export are those of the ops it is made of.
/// </summary>
/// <remarks>
/// Supported: any number of operands (contracted left to right), <c>...</c> for broadcast leading or trailing axes,
/// an implicit output (no <c>-&gt;</c>: the ellipsis axes, then the labels that occur once, alphabetically), and
/// size-1 axes broadcasting against batch labels. Not supported: a label repeated within one operand (a diagonal).
/// </remarks>
internal static class EinsumComposite
{
    private const string OpName = "Einsum";

    public static Tensor Run(string equation, Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Length == 0)
            throw new ArgumentException("Einsum needs at least one operand.", nameof(operands));
        foreach (var t in operands) ArgumentNullException.ThrowIfNull(t, nameof(operands));

        var (terms, output) = Parse(equation, operands);
        var sizes = new Dictionary<char, int>();
        for (int i = 0; i < operands.Length; i++)
            for (int a = 0; a < terms[i].Length; a++)
            {
                int d = operands[i].Shape[a];
                char l = terms[i][a];
                if (!sizes.TryGetValue(l, out int known) || known == 1 || known == Shape.Unknown) sizes[l] = d;
                else if (d != known && d != 1 && d != Shape.Unknown)
                    throw new ShapeMismatchException(OpName, $"label '{Show(l)}' of \"{equation}\" has size {known} in one operand and {d} in operand {i} (shapes {string.Join(", ", operands.Select(o => o.Shape.ToString()))}).", [.. operands.Select(o => o.Shape)]);
            }
        foreach (char l in output)
            if (!sizes.ContainsKey(l))
                throw new ArgumentException($"Einsum: output label '{Show(l)}' of \"{equation}\" is in no operand.", nameof(equation));

        var current = operands[0];
        var labels = terms[0];
        if (operands.Length == 1)
            return Finish(SumOut(current, ref labels, output), labels, output);
        for (int i = 1; i < operands.Length; i++)
        {
            bool last = i == operands.Length - 1;
            string keep;
            if (last) keep = output;
            else
            {
                var later = new HashSet<char>(output);
                for (int j = i + 1; j < terms.Length; j++) later.UnionWith(terms[j]);
                keep = new string([.. (labels + terms[i]).Distinct().Where(later.Contains)]);
            }
            (current, labels) = Contract(current, labels, operands[i], terms[i], keep, last);
        }
        return Finish(current, labels, output);
    }

    /// <summary>Contracts two operands to the labels in <paramref name="keep"/> (in that order when <paramref name="ordered"/>).</summary>
    private static (Tensor, string) Contract(Tensor a, string la, Tensor b, string lb, string keep, bool ordered)
    {
        a = SumOut(a, ref la, keep + lb);
        b = SumOut(b, ref lb, keep + la);
        var batch = keep.Where(l => la.Contains(l) && lb.Contains(l)).ToArray();
        var contr = la.Where(l => lb.Contains(l) && !keep.Contains(l)).ToArray();
        var fa = la.Where(l => !lb.Contains(l)).ToArray();
        var fb = lb.Where(l => !la.Contains(l)).ToArray();
        // The matrix product puts a's free labels before b's: swap when the output wants b's first.
        if (ordered && fa.Length > 0 && fb.Length > 0 && keep.IndexOf(fb[0]) < keep.IndexOf(fa[0]))
        {
            (a, b) = (b, a);
            (la, lb) = (lb, la);
            (fa, fb) = (fb, fa);
            contr = la.Where(l => lb.Contains(l) && !keep.Contains(l)).ToArray();
        }
        foreach (char l in contr)
        {
            int da = a.Shape[la.IndexOf(l)], db = b.Shape[lb.IndexOf(l)];
            if (da != db && da != Shape.Unknown && db != Shape.Unknown)
                throw new ShapeMismatchException(OpName, $"summed label '{Show(l)}' has size {da} in one operand and {db} in the other: {a.Shape} and {b.Shape}.", a.Shape, b.Shape);
        }

        // a as [batch, fa, contr] or [batch, contr, fa] (transposed), whichever needs no copy.
        bool transA = false, transB = false;
        string aPlain = new([.. batch, .. fa, .. contr]), aTrans = new([.. batch, .. contr, .. fa]);
        string aOrder = aPlain;
        if (la != aPlain && la == aTrans && fa.Length > 0 && contr.Length > 0) { aOrder = aTrans; transA = true; }
        string bPlain = new([.. batch, .. contr, .. fb]), bTrans = new([.. batch, .. fb, .. contr]);
        string bOrder = bPlain;
        if (lb != bPlain && lb == bTrans && fb.Length > 0 && contr.Length > 0) { bOrder = bTrans; transB = true; }
        a = Permute(a, la, aOrder);
        b = Permute(b, lb, bOrder);

        // Sizes per label before merging (the result is split back to them).
        var size = new Dictionary<char, int>();
        for (int i = 0; i < aOrder.Length; i++) size[aOrder[i]] = a.Shape[i];
        for (int i = 0; i < bOrder.Length; i++) if (!size.ContainsKey(bOrder[i])) size[bOrder[i]] = b.Shape[i];

        // Merge groups to matrices; with no batch labels a's free axes stay separate (the product broadcasts them).
        bool keepFreeA = batch.Length == 0 && fa.Length > 0 && !transA;
        var aDims = new List<int>();
        foreach (char l in batch) aDims.Add(a.Shape[aOrder.IndexOf(l)]);
        if (transA) { aDims.Add(Product(size, contr)); aDims.Add(Product(size, fa)); }
        else
        {
            if (keepFreeA) foreach (char l in fa) aDims.Add(size[l]);
            else aDims.Add(Product(size, fa));
            aDims.Add(Product(size, contr));
        }
        var bDims = new List<int>();
        foreach (char l in batch) bDims.Add(b.Shape[bOrder.IndexOf(l)]);
        if (transB) { bDims.Add(Product(size, fb)); bDims.Add(Product(size, contr)); }
        else { bDims.Add(Product(size, contr)); bDims.Add(Product(size, fb)); }
        a = ReshapeTo(a, aDims);
        b = ReshapeTo(b, bDims);
        var product = Ops.MatMul(a, b, transA, transB);

        // Back to one axis per label: [batch, fa, fb].
        var outDims = new List<int>();
        for (int i = 0; i < batch.Length; i++) outDims.Add(product.Shape[i]);
        foreach (char l in fa) outDims.Add(size[l]);
        foreach (char l in fb) outDims.Add(size[l]);
        product = ReshapeTo(product, outDims);
        return (product, new string([.. batch, .. fa, .. fb]));
    }

    /// <summary>The product of the group's sizes (1 for none; unknown when one of several is unknown).</summary>
    private static int Product(Dictionary<char, int> size, char[] group)
    {
        long p = 1;
        foreach (char l in group)
        {
            if (size[l] == Shape.Unknown) return Shape.Unknown;
            p *= size[l];
        }
        return checked((int)p);
    }

    private static Tensor ReshapeTo(Tensor t, List<int> dims)
    {
        if (t.Rank == dims.Count)
        {
            bool same = true;
            for (int i = 0; i < dims.Count; i++) same &= dims[i] == t.Shape[i];
            if (same) return t;
        }
        return Ops.Reshape(t, new Shape([.. dims]));
    }

    private static Tensor Permute(Tensor t, string from, string to)
    {
        if (from == to) return t;
        var perm = new int[to.Length];
        for (int i = 0; i < to.Length; i++) perm[i] = from.IndexOf(to[i]);
        return Ops.Transpose(t, perm);
    }

    /// <summary>Sums the axes whose labels are not in <paramref name="keep"/>.</summary>
    private static Tensor SumOut(Tensor t, ref string labels, string keep)
    {
        var axes = new List<int>();
        for (int i = 0; i < labels.Length; i++) if (!keep.Contains(labels[i])) axes.Add(i);
        if (axes.Count == 0) return t;
        labels = new string([.. labels.Where(keep.Contains)]);
        return Ops.Sum(t, [.. axes]);
    }

    private static Tensor Finish(Tensor t, string labels, string output)
    {
        if (labels.Length != output.Length)
        {
            // Output labels present in no remaining axis can only come from broadcast size-1 axes summed away.
            throw new ArgumentException($"Einsum: cannot produce the output labels \"{output}\" from \"{labels}\".");
        }
        return Permute(t, labels, output);
    }

    private static string Show(char l) => l >= EllipsisBase ? "..." : l.ToString();

    private const char EllipsisBase = '\u0100';

    /// <summary>The label string of each operand (ellipsis axes as private labels, right-aligned) and of the output.</summary>
    private static (string[] Terms, string Output) Parse(string equation, Tensor[] operands)
    {
        string eq = equation.Replace(" ", "", StringComparison.Ordinal);
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        string lhs = arrow >= 0 ? eq[..arrow] : eq;
        string? rhs = arrow >= 0 ? eq[(arrow + 2)..] : null;
        var parts = lhs.Split(',');
        if (parts.Length != operands.Length)
            throw new ArgumentException($"Einsum: the equation \"{equation}\" has {parts.Length} operand(s), but {operands.Length} tensor(s) were given.", nameof(equation));
        int ellipsisRank = 0;
        var ranks = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string p = parts[i];
            int dots = p.IndexOf("...", StringComparison.Ordinal);
            string letters = p.Replace("...", "", StringComparison.Ordinal);
            foreach (char c in letters)
                if (!char.IsAsciiLetter(c))
                    throw new ArgumentException($"Einsum: invalid character '{c}' in \"{equation}\" (labels are letters; '...' for broadcast axes).", nameof(equation));
            int rank = operands[i].Rank;
            if (dots < 0 && letters.Length != rank || dots >= 0 && letters.Length > rank)
                throw new ShapeMismatchException(OpName, $"operand {i} has shape {operands[i].Shape} (rank {rank}), but its subscripts \"{p}\" name {letters.Length} axes.", operands[i].Shape);
            if (letters.Distinct().Count() != letters.Length)
                throw new NotSupportedException($"Einsum: repeated label in \"{p}\" (diagonals) is not supported.");
            ranks[i] = dots >= 0 ? rank - letters.Length : 0;
            ellipsisRank = Math.Max(ellipsisRank, ranks[i]);
        }
        string Ellipsis(int n) => new([.. Enumerable.Range(ellipsisRank - n, n).Select(k => (char)(EllipsisBase + k))]);
        var terms = new string[parts.Length];
        for (int i = 0; i < parts.Length; i++) terms[i] = parts[i].Replace("...", Ellipsis(ranks[i]), StringComparison.Ordinal);
        string output;
        if (rhs is null)
        {
            var counts = new Dictionary<char, int>();
            foreach (var p in parts) foreach (char c in p.Replace("...", "", StringComparison.Ordinal)) counts[c] = counts.GetValueOrDefault(c) + 1;
            output = Ellipsis(ellipsisRank) + new string([.. counts.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order()]);
        }
        else
        {
            foreach (char c in rhs.Replace("...", "", StringComparison.Ordinal))
                if (!char.IsAsciiLetter(c))
                    throw new ArgumentException($"Einsum: invalid character '{c}' in \"{equation}\".", nameof(equation));
            output = rhs.Replace("...", Ellipsis(ellipsisRank), StringComparison.Ordinal);
            if (output.Distinct().Count() != output.Length)
                throw new ArgumentException($"Einsum: repeated output label in \"{equation}\".", nameof(equation));
        }
        return (terms, output);
    }
}

public static partial class Ops
{
    /// <summary>
    /// Einstein summation over the operands, e.g. <c>Einsum("abc,cde-&gt;abde", x, kernel)</c> or
    /// <c>Einsum("...ij,...jk-&gt;...ik", a, b)</c>. Composed of Transpose, Reshape, Sum and MatMul (the packed GEMM),
    /// so its gradient and ONNX export are theirs. A label repeated in one operand (a diagonal) is not supported.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => EinsumComposite.Run(equation, operands);
}
