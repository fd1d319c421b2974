using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// An activation function known by name, as Keras writes it in configs (<c>"relu"</c>). Get one with
/// <see cref="Get"/> or a string (<c>ActivationFunction a = "relu";</c>); register your own with
/// <see cref="Register"/>. Activation functions are values with no config, so they are registered by name in
/// <see cref="KerasRegistry{T}"/> (the built-ins when the assembly loads) rather than generated from a class.
/// </summary>
public sealed class ActivationFunction
{
    private readonly Func<Tensor, Tensor> _function;

    /// <summary>Creates an activation; register it to make it readable from configs.</summary>
    public ActivationFunction(string name, Func<Tensor, Tensor> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _function = function ?? throw new ArgumentNullException(nameof(function));
    }

    /// <summary>The name written in configs.</summary>
    public string Name { get; }

    /// <summary>Applies the function.</summary>
    public Tensor Call(Tensor x) => _function(x);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Registers an activation in <see cref="KerasRegistry{T}"/> under its name (replacing any earlier one of that name).</summary>
    public static void Register(ActivationFunction activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        KerasRegistry<ActivationFunction>.Register(activation.Name, _ => activation);
    }

    /// <summary>The registered names.</summary>
    public static IReadOnlyList<string> RegisteredNames => KerasRegistry<ActivationFunction>.RegisteredNames;

    /// <summary>The activation registered under <paramref name="name"/>; null or <c>"linear"</c> is the identity.</summary>
    public static ActivationFunction Get(string? name)
    {
        name ??= "linear";
        if (!KerasRegistry<ActivationFunction>.IsRegistered(name))
            throw new ConfigException($"Unknown activation function: '{name}'. Known: {string.Join(", ", RegisteredNames)}.");
        return KerasRegistry<ActivationFunction>.Get(name);
    }

    /// <summary>Reads an activation from a config value: a name, or Keras's nested form (<c>{"class_name": "function", "config": "relu"}</c>).</summary>
    public static ActivationFunction Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (Config.TryGetString(node, out var name)) return Get(name);
        if (node is JsonObject o)
        {
            if (Config.TryGetString(o["config"], out var n)) return Get(n);
            if (o["config"] is JsonObject c && Config.TryGetString(c["name"], out n)) return Get(n);
            if (Config.TryGetString(o["class_name"], out n)) return Get(Config.ToSnakeCase(n));
        }
        throw new ConfigException($"An activation must be a name such as \"relu\", got {node.ToJsonString()}.");
    }

    /// <summary>Looks an activation up by name.</summary>
    public static implicit operator ActivationFunction(string name) => Get(name);

    /// <summary>The identity, <c>"linear"</c>.</summary>
    public static ActivationFunction Linear => Get("linear");
    /// <summary><c>max(x, 0)</c>.</summary>
    public static ActivationFunction Relu => Get("relu");
    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    public static ActivationFunction Sigmoid => Get("sigmoid");
    /// <summary>Hyperbolic tangent.</summary>
    public static ActivationFunction Tanh => Get("tanh");
    /// <summary>Softmax over the last axis.</summary>
    public static ActivationFunction Softmax => Get("softmax");
}
