using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Creates a layer weight's initial value from its shape and dtype, like <c>keras.initializers</c>.
/// Get one from <see cref="Initializers"/>. Random initializers take an optional seed: with a seed
/// the values are reproducible; without one they come from <see cref="RandomGenerator.Global"/>.
/// </summary>
public abstract class Initializer : KerasObject
{
    /// <inheritdoc/>
    public override string Module => "keras.initializers";

    /// <summary>Creates a value of <paramref name="shape"/> and <paramref name="dtype"/>.</summary>
    public abstract Tensor Call(Shape shape, DType dtype = DType.Float32);

    /// <summary>Reads Keras's nested form (<c>{"class_name": "GlorotUniform", "config": {...}}</c>) or a name (<c>"glorot_uniform"</c>).</summary>
    public static Initializer Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return KerasRegistry<Initializer>.Deserialize(node);
    }

    /// <summary>Looks an initializer up by name (<c>"glorot_uniform"</c>, <c>"zeros"</c>, <c>"GlorotUniform"</c>) with default arguments.</summary>
    public static Initializer Get(string name) => KerasRegistry<Initializer>.Get(name);

    /// <summary>Converts a name to an initializer, as Keras accepts <c>kernel_initializer="zeros"</c>.</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>The random stream for a draw: a fresh one from the seed, or the global one.</summary>
    private protected static RandomGenerator Generator(long? seed) => seed is { } s ? new RandomGenerator(s) : RandomGenerator.Global;

    /// <summary>Throws unless the dtype is floating.</summary>
    private protected void ExpectFloating(DType dtype)
    {
        if (!dtype.IsFloating())
            throw new DTypeMismatchException(ClassName, $"initializer can only create floating values, got dtype {dtype.Name()}.");
    }
}
