namespace LayerGen;

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

    public static IEnumerable<Activation> All()
    {
        yield return new Activation("linear", static x => x);
        yield return new Activation("relu", Ops.Relu);
        yield return new Activation("sigmoid", Ops.Sigmoid);
        yield return new Activation("tanh", Ops.Tanh);
        yield return new Activation("softplus", Ops.Softplus);
        yield return new Activation("softsign", static x => x / (Ops.Abs(x) + 1.0));
        yield return new Activation("elu", static x => Ops.Elu(x));
        yield return new Activation("selu", static x => Ops.Elu(x, SeluAlpha) * SeluScale);
        yield return new Activation("leaky_relu", static x => Ops.LeakyRelu(x, 0.2));
        yield return new Activation("relu6", static x => Ops.Clip(x, 0, 6));
        yield return new Activation("silu", static x => x * Ops.Sigmoid(x));
        yield return new Activation("swish", static x => x * Ops.Sigmoid(x));
        yield return new Activation("gelu", static x => Ops.Gelu(x));
        yield return new Activation("exponential", Ops.Exp);
        yield return new Activation("hard_sigmoid", static x => Ops.Clip(x / 6.0 + 0.5, 0, 1));
        yield return new Activation("softmax", static x => Ops.Softmax(x));
    }
}
