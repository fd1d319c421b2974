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

    public static IEnumerable<ActivationFunction> All()
    {
        yield return new ActivationFunction("linear", static x => x);
        yield return new ActivationFunction("relu", Ops.Relu);
        yield return new ActivationFunction("sigmoid", Ops.Sigmoid);
        yield return new ActivationFunction("tanh", Ops.Tanh);
        yield return new ActivationFunction("softplus", Ops.Softplus);
        yield return new ActivationFunction("softsign", static x => x / (Ops.Abs(x) + 1.0));
        yield return new ActivationFunction("elu", static x => Ops.Elu(x));
        yield return new ActivationFunction("selu", static x => Ops.Elu(x, SeluAlpha) * SeluScale);
        yield return new ActivationFunction("leaky_relu", static x => Ops.LeakyRelu(x, 0.2));
        yield return new ActivationFunction("relu6", static x => Ops.Clip(x, 0, 6));
        yield return new ActivationFunction("silu", static x => x * Ops.Sigmoid(x));
        yield return new ActivationFunction("swish", static x => x * Ops.Sigmoid(x));
        yield return new ActivationFunction("gelu", static x => Ops.Gelu(x));
        yield return new ActivationFunction("exponential", Ops.Exp);
        yield return new ActivationFunction("hard_sigmoid", static x => Ops.Clip(x / 6.0 + 0.5, 0, 1));
        yield return new ActivationFunction("softmax", static x => Ops.Softmax(x));
    }
}
