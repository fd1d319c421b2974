namespace LayerGen.Graphs;

/// <summary>
/// One step of an <see cref="ExecutionPlan"/>: an op run on <see cref="Arguments"/> into its planned
/// <see cref="Buffer"/>. Fusion rules (<see cref="PlanFusionRule"/>) make steps of their own that run a group of
/// nodes at once.
/// </summary>
internal class PlanStep(int nodeId, Op op, int[] inputs, TensorSpec spec, Tensor? buffer)
{
    /// <summary>The graph node whose value the step produces.</summary>
    public readonly int NodeId = nodeId;

    /// <summary>The op (for a fused step, the group's first op).</summary>
    public readonly Op Op = op;

    /// <summary>The graph nodes whose values the step reads, in argument order.</summary>
    public readonly int[] Inputs = inputs;

    /// <summary>The spec of the value produced.</summary>
    public readonly TensorSpec Spec = spec;

    /// <summary>The planned buffer, or null (a view of an input, or an empty tensor).</summary>
    public readonly Tensor? Buffer = buffer;

    /// <summary>The argument values of the current run (filled by the plan before <see cref="Execute"/>).</summary>
    public readonly Tensor[] Arguments = new Tensor[inputs.Length];

    /// <summary>Whether the last run's result was not written into <see cref="Buffer"/>: the kernel allocated it.</summary>
    public bool AllocatedLastRun { get; protected set; }

    // A view step (no buffer) of the same argument tensors as the last run returns the same view: the view tensor
    // is made once, not on every run (a Flatten of the plan's input or of a planned buffer allocates nothing). Held
    // weakly, so the plan keeps neither the caller's input nor a view of it alive.
    private WeakReference<Tensor>[]? _viewArguments;
    private WeakReference<Tensor>? _view;

    /// <summary>Runs the step on <see cref="Arguments"/>; returns its value.</summary>
    public virtual Tensor Execute()
    {
        if (_view is not null && !Op.HasSideEffects && _view.TryGetTarget(out var view) && SameArgumentsAsView()) return view;
        var result = Op.Compute(Arguments, new KernelOutput(Spec, Buffer));
        bool inBuffer = Buffer is not null && result.SharesStorageWith(Buffer);
        if (!inBuffer && !Op.MayReturnInputStorage) CheckNotAliased(result);
        AllocatedLastRun = Buffer is not null && !inBuffer;
        if (Buffer is null && Arguments.Length > 0 && result.SharesStorageWith(Arguments[0])) RememberView(result);
        return result;
    }

    private void RememberView(Tensor view)
    {
        if (_viewArguments is null)
        {
            _viewArguments = new WeakReference<Tensor>[Arguments.Length];
            for (int k = 0; k < Arguments.Length; k++) _viewArguments[k] = new(Arguments[k]);
        }
        else
            for (int k = 0; k < Arguments.Length; k++) _viewArguments[k].SetTarget(Arguments[k]);
        if (_view is null) _view = new(view);
        else _view.SetTarget(view);
    }

    private bool SameArgumentsAsView()
    {
        for (int k = 0; k < Arguments.Length; k++)
            if (!_viewArguments![k].TryGetTarget(out var previous) || !ReferenceEquals(previous, Arguments[k])) return false;
        return true;
    }

    /// <summary>An op not marked <see cref="Op.MayReturnInputStorage"/> must not return its input's storage: the plan's reuse depends on it.</summary>
    private void CheckNotAliased(Tensor result)
    {
        foreach (var arg in Arguments)
            if (arg.SharesStorageWith(result))
                throw new InvalidOperationException($"ExecutionPlan: op '{Op}' returned its input's storage but does not declare MayReturnInputStorage.");
    }
}
