using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Something Keras serializes as <c>{"module": ..., "class_name": ..., "config": {...}, "registered_name": null}</c>:
/// initializers, regularizers and constraints. Mark a <c>partial</c> subclass <c>[KerasSerializable]</c> to get
/// <see cref="ClassName"/>, <see cref="RegisteredName"/>, <see cref="GetConfig"/>, <c>FromConfig</c> and its
/// registration in its kind's <see cref="KerasRegistry{T}"/> generated.
/// </summary>
public abstract class KerasObject
{
    /// <summary>Keras's class name, e.g. <c>GlorotUniform</c>.</summary>
    public abstract string ClassName { get; }

    /// <summary>Keras's module, e.g. <c>keras.initializers</c>.</summary>
    public abstract string Module { get; }

    /// <summary>Keras's registered name, <c>package&gt;ClassName</c> (generated for <c>[KerasSerializable]</c> classes).</summary>
    public virtual string RegisteredName => Module + ">" + ClassName;

    /// <summary>The constructor arguments, as Keras's <c>get_config()</c> writes them (generated for <c>[KerasSerializable]</c> classes).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>The nested form Keras 3 writes: module, class_name, config, registered_name (null for Keras's own classes).</summary>
    public JsonObject Serialize() => Serialize(RegisteredName, ClassName, GetConfig());

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}({GetConfig().ToJsonString()})";

    /// <summary>
    /// The nested form of any Keras object: <c>module</c> (the package of <paramref name="registeredName"/>),
    /// <c>class_name</c>, <c>config</c>, and <c>registered_name</c> (null for Keras's built-ins).
    /// </summary>
    internal static JsonObject Serialize(string registeredName, string className, JsonObject config)
    {
        bool builtIn = LayerRegistry.IsKerasPackage(registeredName, out _);
        int i = registeredName.LastIndexOf('>');
        return new JsonObject
        {
            ["module"] = i < 0 ? "" : registeredName[..i],
            ["class_name"] = className,
            ["config"] = config,
            ["registered_name"] = builtIn ? null : registeredName,
        };
    }
}
