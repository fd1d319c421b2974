namespace LayerGen.Operations;

/// <summary>
/// An einsum equation read for operands of given ranks: one label string per operand and one for the output, the
/// <c>...</c> axes replaced by private labels (right-aligned, so <c>...</c> axes broadcast as numpy's do).
/// </summary>
internal sealed class EinsumEquation
{
    /// <summary>The first private label standing for an ellipsis axis (not a letter, so it never clashes).</summary>
    internal const char EllipsisBase = '\u0100';

    private EinsumEquation(string text, int[] ranks, string[] terms, string output)
    {
        Text = text;
        Ranks = ranks;
        Terms = terms;
        Output = output;
    }

    /// <summary>The equation as written.</summary>
    public string Text { get; }
    /// <summary>The operand ranks it was read for.</summary>
    public int[] Ranks { get; }
    /// <summary>Each operand's labels, one per axis.</summary>
    public string[] Terms { get; }
    /// <summary>The output's labels, one per axis (the implicit output when the equation has no <c>-&gt;</c>).</summary>
    public string Output { get; }

    /// <summary>Whether this reading was made for operands of these ranks.</summary>
    public bool IsFor(ReadOnlySpan<TensorSpec> inputs)
    {
        if (inputs.Length != Ranks.Length) return false;
        for (int i = 0; i < Ranks.Length; i++) if (inputs[i].Shape.Rank != Ranks[i]) return false;
        return true;
    }

    /// <summary>A label as the user wrote it (<c>...</c> for an ellipsis axis).</summary>
    public static string Show(char label) => label >= EllipsisBase ? "..." : label.ToString();

    /// <summary>
    /// Reads <paramref name="equation"/> for operands of the given shapes. Throws <see cref="EinsumEquationException"/>
    /// for a malformed equation, <see cref="ShapeMismatchException"/> when an operand's rank does not match its
    /// subscripts, and <see cref="NotSupportedException"/> for a label repeated within one operand (a diagonal).
    /// </summary>
    public static EinsumEquation Parse(string equation, ReadOnlySpan<TensorSpec> operands)
    {
        string eq = equation.Replace(" ", "", StringComparison.Ordinal);
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        string lhs = arrow >= 0 ? eq[..arrow] : eq;
        string? rhs = arrow >= 0 ? eq[(arrow + 2)..] : null;
        if (rhs is not null && rhs.Contains("->", StringComparison.Ordinal))
            throw new EinsumEquationException(equation, "it has more than one '->'.");
        var parts = lhs.Split(',');
        if (parts.Length != operands.Length)
            throw new EinsumEquationException(equation, $"it has {parts.Length} operand(s), but {operands.Length} tensor(s) were given.");
        int ellipsisRank = 0;
        var ranks = new int[parts.Length];
        var ellipsisRanks = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string p = parts[i];
            string letters = CheckTerm(equation, p);
            int rank = operands[i].Shape.Rank;
            ranks[i] = rank;
            bool dots = p.Contains("...", StringComparison.Ordinal);
            if (!dots && letters.Length != rank || dots && letters.Length > rank)
                throw new ShapeMismatchException(EinsumOp.OpName, $"operand {i} has shape {operands[i].Shape} (rank {rank}), but its subscripts \"{p}\" in \"{equation}\" name {letters.Length} axes{(dots ? " and '...'" : "")}.", operands[i].Shape);
            if (letters.Distinct().Count() != letters.Length)
                throw new NotSupportedException($"Einsum: a label repeated within one operand (\"{p}\" in \"{equation}\", a diagonal) is not supported.");
            ellipsisRanks[i] = dots ? rank - letters.Length : 0;
            ellipsisRank = Math.Max(ellipsisRank, ellipsisRanks[i]);
        }
        string Ellipsis(int n) => new([.. Enumerable.Range(ellipsisRank - n, n).Select(k => (char)(EllipsisBase + k))]);
        var terms = new string[parts.Length];
        for (int i = 0; i < parts.Length; i++) terms[i] = parts[i].Replace("...", Ellipsis(ellipsisRanks[i]), StringComparison.Ordinal);
        string output;
        if (rhs is null)
        {
            var counts = new Dictionary<char, int>();
            foreach (var p in parts) foreach (char c in p.Replace("...", "", StringComparison.Ordinal)) counts[c] = counts.GetValueOrDefault(c) + 1;
            output = Ellipsis(ellipsisRank) + new string([.. counts.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order()]);
        }
        else
        {
            string letters = CheckTerm(equation, rhs);
            if (letters.Distinct().Count() != letters.Length)
                throw new EinsumEquationException(equation, $"the output \"{rhs}\" repeats a label.");
            foreach (char c in letters)
                if (!lhs.Contains(c, StringComparison.Ordinal))
                    throw new EinsumEquationException(equation, $"the output label '{c}' is in no operand.");
            output = rhs.Replace("...", Ellipsis(ellipsisRank), StringComparison.Ordinal);
        }
        return new EinsumEquation(equation, ranks, terms, output);
    }

    /// <summary>The letters of one term; throws for other characters or a misplaced '.'.</summary>
    private static string CheckTerm(string equation, string term)
    {
        int dots = term.IndexOf("...", StringComparison.Ordinal);
        if (dots >= 0 && term.IndexOf("...", dots + 3, StringComparison.Ordinal) >= 0)
            throw new EinsumEquationException(equation, $"\"{term}\" has '...' twice.");
        string letters = term.Replace("...", "", StringComparison.Ordinal);
        foreach (char c in letters)
            if (!char.IsAsciiLetter(c))
                throw new EinsumEquationException(equation, $"invalid character '{c}' in \"{term}\" (labels are letters; '...' stands for broadcast axes).");
        return letters;
    }

    /// <summary>The size of every label, checking that the operands agree (size 1 broadcasts; unknown sizes agree with any).</summary>
    public Dictionary<char, int> Sizes(ReadOnlySpan<TensorSpec> operands)
    {
        var sizes = new Dictionary<char, int>();
        var from = new Dictionary<char, int>();
        for (int i = 0; i < operands.Length; i++)
            for (int a = 0; a < Terms[i].Length; a++)
            {
                int d = operands[i].Shape[a];
                char l = Terms[i][a];
                if (!sizes.TryGetValue(l, out int known)) { sizes[l] = d; from[l] = i; }
                else if (known == 1 || known == Shape.Unknown && d != 1) { sizes[l] = d; from[l] = i; }
                else if (d != known && d != 1 && d != Shape.Unknown)
                {
                    int j = from[l];
                    throw new ShapeMismatchException(EinsumOp.OpName,
                        $"label '{Show(l)}' of \"{Text}\" has size {known} in operand {j} (shape {operands[j].Shape}) and {d} in operand {i} (shape {operands[i].Shape}).",
                        operands[j].Shape, operands[i].Shape);
                }
            }
        return sizes;
    }

    /// <summary>
    /// The equation with every label a letter (ellipsis axes get unused letters), for the operand terms given and
    /// <paramref name="output"/>: what the gradient's einsums are written in.
    /// </summary>
    public static string Write(IReadOnlyList<string> terms, string output)
    {
        var used = new HashSet<char>();
        foreach (var t in terms) used.UnionWith(t);
        used.UnionWith(output);
        var map = new Dictionary<char, char>();
        var free = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".Where(c => !used.Contains(c)).GetEnumerator();
        string Map(string s) => new([.. s.Select(c =>
        {
            if (c < EllipsisBase) return c;
            if (!map.TryGetValue(c, out char m))
            {
                if (!free.MoveNext()) throw new NotSupportedException("Einsum: too many labels to write the gradient's equation (at most 52).");
                map[c] = m = free.Current;
            }
            return m;
        })]);
        return string.Join(",", terms.Select(Map)) + "->" + Map(output);
    }
}

/// <summary>An einsum equation that cannot be read: the message quotes it and says what is wrong.</summary>
public sealed class EinsumEquationException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public EinsumEquationException(string equation, string problem)
        : base($"Einsum: cannot read the equation \"{equation}\": {problem}") => Equation = equation;

    /// <summary>The equation as given.</summary>
    public string Equation { get; }
}
