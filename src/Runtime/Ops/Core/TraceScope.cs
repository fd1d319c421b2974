namespace LayerGen.Operations;

/// <summary>
/// Marks a trace in progress on this thread (<c>Graph.Trace</c>, and so <c>TensorFunction</c> and plans, open one),
/// as opposed to other symbolic calls (a Keras functional model being wired from <c>Keras.Input</c>s). While a trace
/// is active:
/// <list type="bullet">
/// <item>an op reading a variable is recorded, not run (<see cref="OpRunner"/>): the graph reads the variable when it
/// runs, so a weight regularizer or a moving-statistics update follows the variable's later values;</item>
/// <item>ops with side effects (<see cref="Op.HasSideEffects"/>: variable assignments, random draws) are collected, so
/// the graph keeps them even when no output depends on them;</item>
/// <item>layers update state as ops in the graph (BatchNormalization's moving statistics) and keep the losses they add
/// (<c>Layer.AddLoss</c>, activity regularizers) as graph tensors.</item>
/// </list>
/// Scopes nest (a function traced while another is traced); each collects the side effects recorded while it is the
/// innermost one.
/// </summary>
public sealed class TraceScope : IDisposable
{
    [ThreadStatic] private static TraceScope? t_current;

    private readonly TraceScope? _outer;
    private readonly List<Tensor> _sideEffects = [];
    private bool _disposed;

    private TraceScope(TraceScope? outer) => _outer = outer;

    /// <summary>The innermost active scope on this thread, or null when nothing is being traced.</summary>
    public static TraceScope? Current => t_current;

    /// <summary>Whether a trace is in progress on this thread.</summary>
    public static bool IsActive => t_current is not null;

    /// <summary>Starts a trace scope on this thread; dispose it (in a <c>finally</c>) when the trace ends.</summary>
    public static TraceScope Begin() => t_current = new TraceScope(t_current);

    /// <summary>The symbolic outputs of the side-effect ops recorded in this scope, in the order they were recorded.</summary>
    public IReadOnlyList<Tensor> SideEffects => _sideEffects;

    internal void Record(Tensor node) => _sideEffects.Add(node);

    /// <summary>
    /// Suspends tracing on this thread until the result is disposed: symbolic work done meanwhile (a layer's symbolic
    /// build pass inside a traced call) is not part of the trace, records no side effects and keeps no losses.
    /// </summary>
    public static Suspension Suspend()
    {
        var suspended = t_current;
        t_current = null;
        return new Suspension(suspended);
    }

    /// <summary>A suspended trace (<see cref="Suspend"/>); disposing it makes the trace current again.</summary>
    public readonly struct Suspension : IDisposable
    {
        private readonly TraceScope? _suspended;

        internal Suspension(TraceScope? suspended) => _suspended = suspended;

        /// <summary>Resumes the suspended trace.</summary>
        public void Dispose()
        {
            if (_suspended is not null) t_current = _suspended;
        }
    }

    /// <summary>Ends the scope: the enclosing one (if any) becomes current again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ReferenceEquals(t_current, this)) t_current = _outer;
    }
}
