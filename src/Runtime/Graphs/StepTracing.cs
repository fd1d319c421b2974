namespace LayerGen.Graphs;

/// <summary>
/// The scope in which the trainer traces a step (Keras's <c>train_function</c>, <c>test_function</c>,
/// <c>predict_function</c>). Inside it:
/// <list type="bullet">
/// <item>the trace itself (<see cref="TraceScope"/>, opened by <see cref="Graph"/>'s tracing) makes ops reading a
/// variable graph nodes, random ops draw per run, BatchNormalization's updates are assignment ops and losses added in
/// <c>Call</c> are graph tensors (docs/graphs.md, "State and randomness in graphs");</item>
/// <item>what a plan still would not replay faithfully aborts the trace: a draw from a <see cref="RandomGenerator"/>
/// (a value fixed at trace time) throws (<see cref="RandomGenerator.DrawsForbidden"/>), a stateful recurrent layer's
/// states call <see cref="Unsupported"/>. The trainer then takes the eager step.</item>
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
