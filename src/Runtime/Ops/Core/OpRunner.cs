namespace LayerGen.Operations;

/// <summary>
/// Runs an op one of three ways: symbolically (any input symbolic: only the shape rule runs and the
/// application is recorded in the output's <see cref="Tensor.Node"/>) or eagerly; either way the
/// <see cref="Observer"/> (gradient tapes) sees the application.
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
        bool symbolic = false;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException($"{op.Name}: input {i} is null.");
            specs[i] = t.Spec;
            symbolic |= t.IsSymbolic;
        }
        var spec = op.InferOutput(specs);
        if (symbolic)
        {
            // Recorded on tapes too: a tape inside a traced function then traces the backward pass as ops.
            var node = new Tensor(spec, new OpNode(op, inputs.ToArray()));
            Observer?.Invoke(op, inputs, node);
            return node;
        }
        // An eager run: the kernel gets a fresh output (only an ExecutionPlan hands kernels planned buffers).
        var output = op.Compute(inputs, KernelOutput.Fresh(spec));
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
