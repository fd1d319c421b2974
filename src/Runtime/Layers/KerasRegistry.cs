using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// The registry of one kind of Keras object (<typeparamref name="T"/> is <c>Loss</c>, <c>Metric</c>,
/// <c>Optimizer</c>, <c>LearningRateSchedule</c>, <c>Initializer</c>, <c>Regularizer</c> or <c>Constraint</c>):
/// registered names and Keras's string aliases mapped to factories that build the object from its config.
/// <c>[KerasSerializable]</c> classes register themselves from a generated module initializer; nothing is ever
/// created from a type name by reflection. Names in a Keras package (<c>keras.losses&gt;Huber</c>) are kept
/// under their class name (<c>Huber</c>), as <see cref="LayerRegistry"/> does.
/// </summary>
/// <typeparam name="T">The kind's base class.</typeparam>
public static class KerasRegistry<T> where T : class
{
    private static readonly object Lock = new();
    private static readonly Dictionary<string, Func<JsonObject, T>> Factories = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal);

    /// <summary>The kind in messages: the base class name in words (<c>learning rate schedule</c>).</summary>
    public static string Kind { get; } = Config.ToSnakeCase(typeof(T).Name).Replace('_', ' ');

    /// <summary>Registers a factory under <paramref name="registeredName"/> and Keras's string <paramref name="aliases"/> (replacing earlier ones).</summary>
    public static void Register(string registeredName, Func<JsonObject, T> factory, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrEmpty(registeredName);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(aliases);
        string key = LayerRegistry.Key(registeredName);
        lock (Lock)
        {
            Factories[key] = factory;
            foreach (var alias in aliases) Aliases[alias] = key;
        }
    }

    /// <summary>Whether a registered name, class name or alias is known.</summary>
    public static bool IsRegistered(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Lock) return Factories.ContainsKey(LayerRegistry.Key(name)) || Aliases.ContainsKey(name);
    }

    /// <summary>The registered names (class names for Keras's built-ins), sorted.</summary>
    public static IReadOnlyList<string> RegisteredNames
    {
        get { lock (Lock) return [.. Factories.Keys.Order(StringComparer.Ordinal)]; }
    }

    /// <summary>The object a registered name, class name or alias names, built from <paramref name="config"/>.</summary>
    public static T FromConfig(string name, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        return Find(name)(config);
    }

    /// <summary>The object an identifier names (<c>"mse"</c>, <c>"Adam"</c>, <c>"glorot_uniform"</c>) with its default arguments.</summary>
    public static T Get(string identifier) => FromConfig(identifier, []);

    /// <summary>
    /// Reads either form Keras writes: a bare identifier (<c>"adam"</c>), or the nested object
    /// <c>{"module", "class_name", "config", "registered_name"}</c> (looked up by <c>registered_name</c> when it is
    /// set, else <c>class_name</c>; an unknown <c>registered_name</c> is refused even when <c>class_name</c> is
    /// known; a missing <c>config</c> gives the defaults).
    /// </summary>
    public static T Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (Config.TryGetString(node, out var identifier))
            return Get(identifier);
        if (node is not JsonObject o)
            throw new ConfigException($"A {Kind} must be a name or a {{\"class_name\", \"config\"}} object, got {node.ToJsonString()}.");
        if (!Config.TryGetString(o["class_name"], out var className))
            throw new ConfigException($"A {Kind} object needs a \"class_name\", got {node.ToJsonString()}.");
        Config.TryGetString(o["registered_name"], out var registered);
        var config = o["config"] switch
        {
            null => [],
            JsonObject c => c,
            var other => throw new ConfigException($"The {Kind} \"{className}\" has a config that is not an object: {other.ToJsonString()}."),
        };
        if (!string.IsNullOrEmpty(registered) && !IsRegistered(registered) && IsRegistered(className))
            throw new ConfigException(LayerRegistry.UnknownRegisteredName(Kind, registered, className));
        return Find(string.IsNullOrEmpty(registered) ? className : registered)(config);
    }

    /// <summary>
    /// The nested form Keras 3 writes: <c>module</c> (the package of <paramref name="registeredName"/>),
    /// <c>class_name</c>, <c>config</c>, and <c>registered_name</c> (null for Keras's built-ins).
    /// </summary>
    public static JsonObject Serialize(string registeredName, string className, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(registeredName);
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        return KerasObject.Serialize(registeredName, className, config);
    }

    private static Func<JsonObject, T> Find(string name)
    {
        lock (Lock)
        {
            if (Factories.TryGetValue(LayerRegistry.Key(name), out var factory)
                || (Aliases.TryGetValue(name, out var key) && Factories.TryGetValue(key, out factory)))
                return factory;
        }
        throw new ConfigException($"Unknown {Kind} \"{name}\". Known: {string.Join(", ", RegisteredNames)}.");
    }
}
