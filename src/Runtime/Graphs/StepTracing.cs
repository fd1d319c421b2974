namespace LayerGen.Graphs;

/// <summary>
/// The scope in which the trainer traces a step (Keras's <c>train_function</c>, <c>test_function</c>,
/// <c>predict_function</c>). Inside it:
/// <list type="bullet">
/// <item>ops reading a variable run symbolically (<see cref="OpRunner.VariablesSymbolic"/>), so what a layer computes
/// from its weights alone (a reshaped kernel, a regularizer's penalty) is a graph node recomputed at every run instead of
/// a constant captured at trace time;</item>
/// <item>code that a plan would not replay faithfully (a random draw fixed at trace time, moving statistics or
/// recurrent states updated only on concrete values, losses added on symbolic tensors) aborts the trace: random
/// draws throw (<see cref="RandomGenerator.DrawsForbidden"/>), the others call <see cref="Unsupported"/>. The trainer
/// then takes the eager step.</item>
/// </list>
/// Outside a scope, <see cref="Unsupported"/> does nothing.
/// </summary>
internal static class StepTracing
{
    private const string RandomDraw = "A random draw (dropout, noise, random augmentation) cannot be traced into a planned step yet: it would be fixed at trace time";

    [ThreadStatic] private static int t_depth;

    /// <summary>Whether a step is being traced on this thread.</summary>
    public static bool Active => t_depth > 0;

    /// <summary>Opens a scope (dispose to close it).</summary>
    public static Scope Begin()
    {
        t_depth++;
        OpRunner.VariablesSymbolic++;
        RandomGenerator.DrawsForbidden = RandomDraw;
        return default;
    }

    /// <summary>Inside a scope, aborts the trace: <paramref name="what"/> would not be replayed faithfully by a plan.</summary>
    public static void Unsupported(string what)
    {
        if (t_depth > 0) throw new StepNotTraceableException(what);
    }

    /// <summary>Closes the scope <see cref="Begin"/> opened.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            t_depth--;
            OpRunner.VariablesSymbolic--;
            if (t_depth == 0) RandomGenerator.DrawsForbidden = null;
        }
    }
}

/// <summary>A traced training step met something a plan would not replay faithfully; the trainer runs that step eagerly.</summary>
internal sealed class StepNotTraceableException(string what)
    : InvalidOperationException($"{what} cannot be traced into a planned step yet")
{
    /// <summary>What could not be traced.</summary>
    public string What { get; } = what;
}
