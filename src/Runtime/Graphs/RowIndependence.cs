namespace LayerGen.Graphs;

/// <summary>
/// Whether a graph traced for more rows computes, row for row and bit for bit, what the same graph traced for fewer
/// rows computes: then one run over several batches stacked along axis 0 gives each batch's rows exactly as a run per
/// batch would (<c>Predict</c> runs 1,024 rows at once for a user batch of 128 this way). The proof is per node: the
/// two traces have the same nodes in the same order, every node that depends on the inputs ("batch" nodes) has the
/// batch along axis 0 and differs from its twin only in its number of rows, and is an op that says it treats rows
/// independently (<see cref="Op.TreatsRowsIndependently"/>, conservative default false); every other node (variables,
/// constants, ops on them) is the same in both traces (same spec, same attributes, same constant values), so it does
/// not depend on the number of rows. No op may have side effects (a random draw per run would change with the number
/// of runs).
/// </summary>
internal static class RowIndependence
{
    /// <summary>
    /// Whether <paramref name="large"/> computes row for row what <paramref name="small"/> computes (see the class
    /// remarks): both traces of the same function, every input and output a batch node with axis 0 the batch.
    /// </summary>
    public static bool SameRowByRow(Graph small, Graph large)
    {
        ArgumentNullException.ThrowIfNull(small);
        ArgumentNullException.ThrowIfNull(large);
        int count = small.Nodes.Count;
        if (count != large.Nodes.Count || small.InputIds.Count == 0 || !small.InputIds.SequenceEqual(large.InputIds)
            || !small.OutputIds.SequenceEqual(large.OutputIds))
            return false;
        var first = small.Nodes[small.InputIds[0]].Spec.Shape;
        var firstLarge = large.Nodes[large.InputIds[0]].Spec.Shape;
        if (first.Rank == 0 || firstLarge.Rank == 0) return false;
        int rowsSmall = first[0], rowsLarge = firstLarge[0];
        if (rowsSmall <= 0 || rowsLarge < rowsSmall) return false;
        var batch = new bool[count];
        var specs = new List<TensorSpec>();
        var marks = new List<bool>();
        for (int i = 0; i < count; i++)
        {
            GraphNode a = small.Nodes[i], b = large.Nodes[i];
            if (a.Kind != b.Kind || a.Spec.DType != b.Spec.DType || !a.Inputs.SequenceEqual(b.Inputs)) return false;
            switch (a.Kind)
            {
                case GraphNodeKind.Input:
                    if (a.InputIndex != b.InputIndex || !RowsOnly(a.Spec, b.Spec, rowsSmall, rowsLarge)) return false;
                    batch[i] = true;
                    break;
                case GraphNodeKind.Variable:
                    if (!ReferenceEquals(a.Variable, b.Variable) || a.Spec != b.Spec) return false;
                    break;
                case GraphNodeKind.Constant:
                    if (a.Spec != b.Spec || a.Constant is null || b.Constant is null || !a.Constant.AsBytes().SequenceEqual(b.Constant.AsBytes())) return false;
                    break;
                case GraphNodeKind.Op:
                    if (a.Op is null || b.Op is null || a.Op.HasSideEffects || !SameOp(a.Op, b.Op)) return false;
                    specs.Clear();
                    marks.Clear();
                    bool any = false;
                    foreach (int input in a.Inputs)
                    {
                        specs.Add(small.Nodes[input].Spec);
                        marks.Add(batch[input]);
                        any |= batch[input];
                    }
                    if (!any)
                    {
                        if (a.Spec != b.Spec) return false;
                        break;
                    }
                    if (!RowsOnly(a.Spec, b.Spec, rowsSmall, rowsLarge)) return false;
                    if (!a.Op.TreatsRowsIndependently([.. specs], [.. marks], a.Spec)) return false;
                    batch[i] = true;
                    break;
                default:
                    return false;
            }
        }
        foreach (int output in small.OutputIds)
            if (!batch[output]) return false;
        return true;
    }

    /// <summary>Whether the two specs differ only in axis 0, which is <paramref name="small"/> and <paramref name="large"/> rows.</summary>
    private static bool RowsOnly(TensorSpec a, TensorSpec b, int small, int large)
    {
        Shape sa = a.Shape, sb = b.Shape;
        if (sa.Rank == 0 || sa.Rank != sb.Rank || !sa.IsFullyDefined || !sb.IsFullyDefined || sa[0] != small || sb[0] != large) return false;
        for (int d = 1; d < sa.Rank; d++)
            if (sa[d] != sb[d]) return false;
        return true;
    }

    /// <summary>Whether two op instances compute the same function: the same instance, or the same type with the same saved attributes.</summary>
    private static bool SameOp(Op a, Op b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.GetType() != b.GetType() || a.Name != b.Name) return false;
        try
        {
            var wa = new OpAttributes(a.Name);
            var wb = new OpAttributes(b.Name);
            a.WriteAttributes(wa);
            b.WriteAttributes(wb);
            return wa.ToString() == wb.ToString();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or OpAttributeException)
        {
            return false;
        }
    }
}
