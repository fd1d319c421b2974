using System.Text.Json.Nodes;

namespace LayerGen;

/// <summary>
/// Something Keras serializes as <c>{"module": ..., "class_name": ..., "config": {...}, "registered_name": null}</c>:
/// initializers, regularizers and constraints.
/// </summary>
public abstract class KerasObject
{
    /// <summary>Keras's class name, e.g. <c>GlorotUniform</c>.</summary>
    public abstract string ClassName { get; }

    /// <summary>Keras's module, e.g. <c>keras.initializers</c>.</summary>
    public abstract string Module { get; }

    /// <summary>The constructor arguments, as Keras's <c>get_config()</c> writes them.</summary>
    public abstract JsonObject GetConfig();

    /// <summary>The nested form Keras 3 writes: module, class_name, config, registered_name.</summary>
    public JsonObject Serialize() => new()
    {
        ["module"] = Module,
        ["class_name"] = ClassName,
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}({GetConfig().ToJsonString()})";

    /// <summary>Looks up a Keras nested object (or a bare name) in a table of factories.</summary>
    internal static T Deserialize<T>(JsonNode node, string kind, IReadOnlyDictionary<string, Func<JsonObject, T>> factories, Func<string, string?> aliasOf)
    {
        string? className;
        JsonObject config;
        if (Config.TryGetString(node, out var name))
        {
            className = aliasOf(name) ?? name;
            config = [];
        }
        else if (node is JsonObject o)
        {
            if (!Config.TryGetString(o["class_name"], out var cn))
                throw new ConfigException($"A {kind} object needs a \"class_name\", got {node.ToJsonString()}.");
            className = cn;
            config = o["config"] as JsonObject ?? [];
        }
        else throw new ConfigException($"A {kind} must be a name or a {{\"class_name\", \"config\"}} object, got {node.ToJsonString()}.");

        if (!factories.TryGetValue(className, out var factory))
            throw new ConfigException($"Unknown {kind} \"{className}\". Known: {string.Join(", ", factories.Keys.Order(StringComparer.Ordinal))}.");
        return factory(config);
    }

    internal static long? ReadSeed(JsonObject config, string className) => Config.ReadInt64OrNull(config, "seed", className);

    internal static JsonNode? WriteSeed(long? seed) => seed is { } s ? JsonValue.Create(s) : null;
}
