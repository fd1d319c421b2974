namespace LayerGen.Graphs;

/// <summary>
/// The scope in which the trainer traces a training or evaluation step (Keras's <c>train_function</c>). Inside it:
/// <list type="bullet">
/// <item>variables that no symbolic input reaches (a weight regularizer's penalty, computed from the variable
/// alone) are read symbolically through <see cref="Read"/>, so the plan recomputes what depends on them at every
/// run instead of capturing the trace-time value as a constant;</item>
/// <item>code that a plan would not replay faithfully (a random draw fixed at trace time, moving statistics or
/// recurrent states updated only on concrete values, losses added on symbolic tensors) calls
/// <see cref="Unsupported"/>, which aborts the trace so the trainer takes the eager step instead.</item>
/// </list>
/// Outside a scope, <see cref="Read"/> is the variable itself and <see cref="Unsupported"/> does nothing.
/// </summary>
internal static class StepTracing
{
    [ThreadStatic] private static int t_depth;

    /// <summary>Whether a step is being traced on this thread.</summary>
    public static bool Active => t_depth > 0;

    /// <summary>Opens a scope (dispose to close it).</summary>
    public static Scope Begin()
    {
        t_depth++;
        return default;
    }

    /// <summary>
    /// <paramref name="variable"/> itself outside a scope; inside one, a symbolic same-shape reshape of it (a view in a
    /// plan, the identity for gradients), so what is computed from it is traced and recomputed at every run.
    /// </summary>
    public static Tensor Read(Variable variable)
        => t_depth > 0 ? OpRunner.RunSymbolic(new ReshapeOp(variable.Shape), variable) : variable;

    /// <summary>Inside a scope, aborts the trace: <paramref name="what"/> would not be replayed faithfully by a plan.</summary>
    public static void Unsupported(string what)
    {
        if (t_depth > 0) throw new StepNotTraceableException(what);
    }

    /// <summary>Closes the scope <see cref="Begin"/> opened.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_depth--;
    }
}

/// <summary>A traced training step met something a plan would not replay faithfully; the trainer runs that step eagerly.</summary>
internal sealed class StepNotTraceableException(string what)
    : InvalidOperationException($"{what} cannot be traced into a planned step yet")
{
    /// <summary>What could not be traced.</summary>
    public string What { get; } = what;
}
