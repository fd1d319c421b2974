namespace LayerGen.Operations;

/// <summary>
/// Writes <c>value</c> into the variable <c>variable</c> (inputs <c>(variable, value)</c>, same shape and dtype) and
/// returns the variable: TensorFlow's <c>AssignVariableOp</c> as a graph op. Eagerly it assigns at once; in a trace
/// it is recorded with its side effect (<see cref="Op.HasSideEffects"/>), so every run of the graph or of an
/// <c>ExecutionPlan</c> assigns at its place in the traced order (BatchNormalization's moving statistics in a traced
/// training step). The output is the variable itself (no buffer in a plan). No gradient flows through it.
/// </summary>
[Op("AssignVariable")]
public sealed partial class AssignVariableOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly AssignVariableOp Instance = new();

    /// <inheritdoc/>
    public override bool HasSideEffects => true;

    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        if (!inputs[0].Shape.IsCompatibleWith(inputs[1].Shape))
            throw new ShapeMismatchException(Name, $"the value has shape {inputs[1].Shape} but the variable has shape {inputs[0].Shape}.", inputs[1].Shape, inputs[0].Shape);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var variable = inputs[0];
        if (!variable.IsMutable)
            throw new InvalidOperationException($"{Name}: the target must be a variable, got an immutable tensor {variable.Spec}.");
        if (variable.Shape != inputs[1].Shape)
            throw new ShapeMismatchException(Name, $"the value has shape {inputs[1].Shape} but the variable has shape {variable.Shape}.", inputs[1].Shape, variable.Shape);
        if (!ReferenceEquals(variable.Storage, inputs[1].Storage))
            inputs[1].Storage.AsSpanOfBytes().CopyTo(variable.Storage.AsSpanOfBytes());
        variable.MarkChanged();
        return variable;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output) => [null, null];
}

public static partial class Ops
{
    /// <summary>
    /// Assigns <paramref name="value"/> to <paramref name="variable"/> as an op and returns the variable: at once in
    /// eager code, on every run in a traced graph or plan (where <c>variable.Assign(value)</c> would run once, at trace
    /// time, with a symbolic value it cannot take).
    /// </summary>
    public static Tensor AssignVariable(Tensor variable, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(value);
        if (!variable.IsMutable && !variable.IsSymbolic)
            throw new ArgumentException($"AssignVariable: the target must be a variable, got an immutable tensor {variable.Spec}.", nameof(variable));
        return OpRunner.Run(AssignVariableOp.Instance, variable, value);
    }
}
