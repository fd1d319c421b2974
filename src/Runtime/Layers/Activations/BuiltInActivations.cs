namespace LayerGen.Layers;

/// <summary>
/// The built-in activations, by Keras name. Each is a dedicated op (<c>Ops.Relu</c>) or a composition of
/// ops, so every activation runs eagerly, symbolically and under a tape, has higher-order gradients, and
/// saves into graphs, SavedModels and ONNX like any op.
/// </summary>
internal static class BuiltInActivations
{
    // SELU's constants, as in Keras.
    private const double SeluAlpha = 1.6732632423543772;
    private const double SeluScale = 1.0507009873554805;

#pragma warning disable CA2255 // registration is what module initializers are for
    /// <summary>Registers the built-ins in <see cref="KerasRegistry{T}"/> when the assembly loads, as generated code registers every other kind.</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        foreach (var activation in All()) ActivationFunction.Register(activation);
    }
#pragma warning restore CA2255

    /// <summary>
    /// <c>min(max(x, 0), 6)</c> with the gradient of <c>tf.nn.relu6</c>, <c>jax.nn.relu6</c> and PyTorch's
    /// <c>hardtanh</c>: 1 strictly inside (0, 6), 0 at and beyond both end points. Not <c>Ops.Clip</c>, whose
    /// gradient passes at the end points as <c>tf.clip_by_value</c> and <c>torch.clamp</c> do: <c>Relu</c> gives 0 at
    /// x = 0, and <c>Minimum</c> sends a tie to its first argument, here the constant 6, so x = 6 gets 0 too.
    /// <c>hard_sigmoid</c> is <c>relu6(x + 3) / 6</c>, as in Keras 3.
    /// </summary>
    internal static Tensor Relu6(Tensor x) => Ops.Minimum(Tensor.Scalar(6, x.DType), Ops.Relu(x));

    /// <summary>The built-in <c>"sigmoid"</c> (<see cref="LSTMCell"/> fuses its step when its activations are these two).</summary>
    internal static readonly ActivationFunction SigmoidFunction = new("sigmoid", Ops.Sigmoid);

    /// <summary>The built-in <c>"tanh"</c>.</summary>
    internal static readonly ActivationFunction TanhFunction = new("tanh", Ops.Tanh);

    public static IEnumerable<ActivationFunction> All()
    {
        yield return new ActivationFunction("linear", static x => x);
        yield return new ActivationFunction("relu", Ops.Relu);
        yield return SigmoidFunction;
        yield return TanhFunction;
        yield return new ActivationFunction("softplus", Ops.Softplus);
        yield return new ActivationFunction("softsign", static x => x / (Ops.Abs(x) + 1.0));
        yield return new ActivationFunction("elu", static x => Ops.Elu(x));
        yield return new ActivationFunction("selu", static x => Ops.Elu(x, SeluAlpha) * SeluScale);
        yield return new ActivationFunction("leaky_relu", static x => Ops.LeakyRelu(x, 0.2));
        yield return new ActivationFunction("relu6", Relu6);
        yield return new ActivationFunction("silu", static x => x * Ops.Sigmoid(x));
        yield return new ActivationFunction("swish", static x => x * Ops.Sigmoid(x));
        yield return new ActivationFunction("gelu", static x => Ops.Gelu(x));
        yield return new ActivationFunction("exponential", Ops.Exp);
        yield return new ActivationFunction("hard_sigmoid", static x => Relu6(x + 3.0) / 6.0);
        yield return new ActivationFunction("softmax", static x => Ops.Softmax(x));
    }
}
