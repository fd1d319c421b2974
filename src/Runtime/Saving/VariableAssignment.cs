namespace LayerGen.Saving;

/// <summary>One variable paired with the stored value meant for it, described for error messages.</summary>
/// <param name="Variable">The variable to assign.</param>
/// <param name="Key">The stored name reported in <see cref="CheckpointMismatchException.Paths"/>.</param>
/// <param name="Label">How the pair is named in a message (<c>'model/w/.ATTRIBUTES/VARIABLE_VALUE'</c>, <c>'dense1.weight' → 'dense1/w'</c>).</param>
/// <param name="Shape">The stored value's shape.</param>
/// <param name="DType">The stored value's dtype.</param>
internal readonly record struct StoredMatch(Variable Variable, string Key, string Label, Shape Shape, DType DType);

/// <summary>
/// The all-or-nothing restore the weights formats share: check every pair's shape and dtype, then read every
/// value, then assign them all, so a mismatch or a damaged value leaves every variable as it was.
/// </summary>
internal static class VariableAssignment
{
    /// <summary>
    /// Throws <see cref="CheckpointMismatchException"/> listing every pair whose stored shape or dtype differs from
    /// its variable's: <c>{action} refused (nothing was assigned): {label}: {holder} holds float32 [2], the variable is ...</c>.
    /// </summary>
    public static void CheckSpecs(IEnumerable<StoredMatch> matches, string action, string holder)
    {
        var bad = new List<string>();
        var messages = new List<string>();
        foreach (var m in matches)
        {
            var v = m.Variable;
            if (v.Shape != m.Shape || v.DType != m.DType)
            {
                bad.Add(m.Key);
                messages.Add($"{m.Label}: {holder} holds {m.DType.Name()} {m.Shape.ToListString()}, the variable is {v.DType.Name()} {v.Shape.ToListString()}");
            }
        }
        if (bad.Count > 0)
            throw new CheckpointMismatchException($"{action} refused (nothing was assigned): {string.Join("; ", messages)}.", bad);
    }

    /// <summary>Assigns <paramref name="values"/> (all read and checked already) to their variables, in order.</summary>
    public static void AssignAll(IReadOnlyList<Variable> variables, IReadOnlyList<Tensor> values)
    {
        if (variables.Count != values.Count) throw new ArgumentException("One value per variable.", nameof(values));
        for (int i = 0; i < values.Count; i++) variables[i].Assign(values[i]);
    }
}
