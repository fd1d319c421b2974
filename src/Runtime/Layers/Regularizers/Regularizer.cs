using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// A penalty on a weight (or, as an activity regularizer, on a layer's output) added to the layer's
/// <see cref="Layer.Losses"/>, like <c>keras.regularizers</c>. Get one from <see cref="Regularizers"/>.
/// </summary>
public abstract class Regularizer : KerasObject
{
    /// <inheritdoc/>
    public override string Module => "keras.regularizers";

    /// <summary>The penalty for <paramref name="x"/>: a scalar tensor (differentiable).</summary>
    public abstract Tensor Call(Tensor x);

    /// <summary>Reads Keras's nested form or a name (<c>"l2"</c>).</summary>
    public static Regularizer Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return KerasRegistry<Regularizer>.Deserialize(node);
    }

    /// <summary>Converts a name to a regularizer with default arguments, as Keras accepts <c>kernel_regularizer="l2"</c>.</summary>
    public static implicit operator Regularizer(string name) => KerasRegistry<Regularizer>.Get(name);

    private protected static Tensor SumOfSquares(Tensor x) => Ops.Sum(Ops.Mul(x, x));

    private protected static Tensor SumOfAbs(Tensor x) => Ops.Sum(Ops.Abs(x));

    private protected static Tensor Times(double factor, Tensor x) => Ops.Mul(Tensor.Scalar(factor, x.DType), x);
}
