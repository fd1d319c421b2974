using System.Text.Json.Nodes;

namespace LayerGen;

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

    private static readonly Dictionary<string, Func<JsonObject, Regularizer>> Factories = new(StringComparer.Ordinal)
    {
        ["L1"] = static c => new L1Regularizer(Config.ReadDouble(c, "l1", "L1", 0.01)),
        ["L2"] = static c => new L2Regularizer(Config.ReadDouble(c, "l2", "L2", 0.01)),
        ["L1L2"] = static c => new L1L2Regularizer(Config.ReadDouble(c, "l1", "L1L2", 0.0), Config.ReadDouble(c, "l2", "L1L2", 0.0)),
    };

    private static string? Alias(string name) => name switch { "l1" => "L1", "l2" => "L2", "l1_l2" => "L1L2", _ => null };

    /// <summary>Reads Keras's nested form or a name (<c>"l2"</c>).</summary>
    public static Regularizer Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Deserialize(node, "regularizer", Factories, Alias);
    }

    /// <summary>Converts a name to a regularizer with default arguments, as Keras accepts <c>kernel_regularizer="l2"</c>.</summary>
    public static implicit operator Regularizer(string name) => Deserialize(JsonValue.Create(name));

    private protected static Tensor SumOfSquares(Tensor x) => Ops.Sum(Ops.Mul(x, x));

    private protected static Tensor SumOfAbs(Tensor x) => Ops.Sum(Ops.Abs(x));

    private protected static Tensor Times(double factor, Tensor x) => Ops.Mul(Tensor.Scalar(factor, x.DType), x);
}

/// <summary><c>l1 * sum(abs(x))</c>.</summary>
public sealed class L1Regularizer(double l1) : Regularizer
{
    /// <summary>The factor.</summary>
    public double L1 { get; } = l1;
    /// <inheritdoc/>
    public override string ClassName => "L1";
    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Times(L1, SumOfAbs(x));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1 };
}

/// <summary><c>l2 * sum(square(x))</c>.</summary>
public sealed class L2Regularizer(double l2) : Regularizer
{
    /// <summary>The factor.</summary>
    public double L2 { get; } = l2;
    /// <inheritdoc/>
    public override string ClassName => "L2";
    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Times(L2, SumOfSquares(x));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l2"] = L2 };
}

/// <summary><c>l1 * sum(abs(x)) + l2 * sum(square(x))</c>.</summary>
public sealed class L1L2Regularizer(double l1, double l2) : Regularizer
{
    /// <summary>The L1 factor.</summary>
    public double L1 { get; } = l1;
    /// <summary>The L2 factor.</summary>
    public double L2 { get; } = l2;
    /// <inheritdoc/>
    public override string ClassName => "L1L2";
    /// <inheritdoc/>
    public override Tensor Call(Tensor x)
    {
        var zero = Tensor.Scalar(0.0, x.DType);
        var total = zero;
        if (L1 != 0) total = Ops.Add(total, Times(L1, SumOfAbs(x)));
        if (L2 != 0) total = Ops.Add(total, Times(L2, SumOfSquares(x)));
        return total;
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1, ["l2"] = L2 };
}

/// <summary>Factories for the built-in regularizers, with Keras 3's defaults.</summary>
public static class Regularizers
{
    /// <summary><c>l1 * sum(abs(x))</c> (Keras default 0.01).</summary>
    public static Regularizer L1(double l1 = 0.01) => new L1Regularizer(l1);
    /// <summary><c>l2 * sum(square(x))</c> (Keras default 0.01).</summary>
    public static Regularizer L2(double l2 = 0.01) => new L2Regularizer(l2);
    /// <summary>Both penalties (Keras's <c>L1L2</c> defaults are 0.0 for both).</summary>
    public static Regularizer L1L2(double l1 = 0.0, double l2 = 0.0) => new L1L2Regularizer(l1, l2);
}
