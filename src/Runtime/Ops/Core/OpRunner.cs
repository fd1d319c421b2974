namespace LayerGen.Operations;

/// <summary>
/// Runs an op one of three ways: symbolically (any input symbolic, or, while a trace is active
/// (<see cref="TraceScope"/>), any input a variable: only the shape rule runs and the application is recorded in the
/// output's <see cref="Tensor.Node"/>) or eagerly; either way the <see cref="Observer"/> (gradient tapes) sees the
/// application. A traced op reading a variable thus reads it when the graph runs, not its value at trace time.
/// </summary>
public static class OpRunner
{
    /// <summary>Sees every op application; set by the autodiff layer when the first gradient tape is made.</summary>
    internal static OpRunObserver? Observer { get; set; }

    /// <summary>Sees every op's inputs before it runs; set by the checkpoints layer while a restore holds values for variables not created yet.</summary>
    internal static OpInputsHook? BeforeRun { get; set; }

    /// <summary>Applies <paramref name="op"/> to <paramref name="inputs"/>.</summary>
    public static Tensor Run(Op op, params ReadOnlySpan<Tensor> inputs)
    {
        BeforeRun?.Invoke(inputs);
        // Up to three inputs (nearly every op) keep their specs on the stack: no array per call.
        var buffer = default(SpecBuffer);
        Span<TensorSpec> specs = inputs.Length <= SpecBuffer.Length ? ((Span<TensorSpec>)buffer)[..inputs.Length] : new TensorSpec[inputs.Length];
        bool symbolic = false, tracing = TraceScope.IsActive;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException($"{op.Name}: input {i} is null.");
            specs[i] = t.Spec;
            symbolic |= t.IsSymbolic || (tracing && t.IsMutable);
        }
        var spec = op.InferOutput(specs);
        if (symbolic)
        {
            // Recorded on tapes too: a tape inside a traced function then traces the backward pass as ops.
            var node = new Tensor(spec, new OpNode(op, inputs.ToArray()));
            if (op.HasSideEffects) TraceScope.Current?.Record(node);
            Observer?.Invoke(op, inputs, node);
            return node;
        }
        // An eager run: the kernel gets a fresh output (only an ExecutionPlan hands kernels planned buffers).
        var output = op.Compute(inputs, KernelOutput.Fresh(spec));
        Observer?.Invoke(op, inputs, output);
        return output;
    }

    /// <summary>
    /// Applies an elementwise <paramref name="op"/> writing its output over the storage of <paramref name="inputs"/>[0]
    /// when that is safe by shape: an eager run whose first input has the output's spec and is not mutable (a variable). The
    /// result is a new tensor sharing that storage, so the first input's values are overwritten: callers use it
    /// only on an intermediate they made themselves and that no recorded gradient reads (a convolution's or a
    /// matrix product's output, which their gradients do not read; a bias sum, whose gradient reads shapes only).
    /// Otherwise it is <see cref="Run"/>.
    /// </summary>
    internal static Tensor RunOverFirstInput(Op op, params ReadOnlySpan<Tensor> inputs)
    {
        var first = inputs[0];
        if (first.IsMutable || first.IsSymbolic || TraceScope.IsActive) return Run(op, inputs);
        BeforeRun?.Invoke(inputs);
        var buffer = default(SpecBuffer);
        Span<TensorSpec> specs = inputs.Length <= SpecBuffer.Length ? ((Span<TensorSpec>)buffer)[..inputs.Length] : new TensorSpec[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException($"{op.Name}: input {i} is null.");
            if (t.IsSymbolic) return Run(op, inputs);
            specs[i] = t.Spec;
        }
        var spec = op.InferOutput(specs);
        if (spec != first.Spec) return Run(op, inputs);
        var output = op.Compute(inputs, new KernelOutput(spec, Tensor.Reinterpret(first, spec.Shape)));
        Observer?.Invoke(op, inputs, output);
        return output;
    }

    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct SpecBuffer
    {
        public const int Length = 3;
        private TensorSpec _element;
    }
}
