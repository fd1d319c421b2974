namespace LayerGen.Operations;

/// <summary>Identity whose gradient is blocked, like <c>tf.stop_gradient</c>: tapes see no path through it.</summary>
[Op("StopGradient")]
public sealed partial class StopGradientOp : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <summary>The shared instance.</summary>
    public static readonly StopGradientOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        return inputs[0];
    }

    /// <summary>A new tensor object with the same values (never the input object, so the tape can tell them apart).</summary>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.Reinterpret(inputs[0], output.Shape);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [null];
}

public static partial class Ops
{
    /// <summary>Returns <paramref name="x"/>'s values as a tensor no gradient flows through.</summary>
    public static Tensor StopGradient(Tensor x) => OpRunner.Run(StopGradientOp.Instance, x);
}
