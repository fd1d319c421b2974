using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Maps registered names to factories that build a layer from its config, like Keras's
/// <c>register_keras_serializable</c>: nothing is ever created from a type name by reflection. The
/// generated code registers every <c>[Layer]</c> class (<c>package&gt;ClassName</c>) from a module
/// initializer; built-ins register under their Keras class names (<c>Dense</c>).
/// </summary>
public static class LayerRegistry
{
    private static readonly object Lock = new();
    private static readonly Dictionary<string, Func<JsonObject, Layer>> Factories = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> NamesByClass = [];
    private static readonly Dictionary<Type, CallSignature> CallsByClass = [];

    /// <summary>
    /// Registers a factory. A name in a Keras package (<c>keras.layers&gt;Dense</c>, <c>keras&gt;Sequential</c>)
    /// is registered under its class name (<c>Dense</c>), the way Keras names built-ins.
    /// </summary>
    public static void Register(string registeredName, Func<JsonObject, Layer> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(registeredName);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Lock) Factories[Key(registeredName)] = factory;
    }

    /// <summary>
    /// Registers the factory of layer class <typeparamref name="TLayer"/> (what the generated registration list does for
    /// every <c>[Layer]</c> class: <c>RegisterClass("MyApp&gt;Scale", global::MyApp.Scale.FromConfig)</c>) and remembers the
    /// class's registered name, which <see cref="Layer.RegisteredName"/> then returns for it and its unregistered subclasses.
    /// A name of its own, not an overload of <see cref="Register"/>: registering an alias (another name for a class) with
    /// <see cref="Register"/> must not change the class's <see cref="Layer.RegisteredName"/>.
    /// </summary>
    /// <typeparam name="TLayer">The class the factory creates.</typeparam>
    /// <param name="registeredName"><c>package&gt;ClassName</c>.</param>
    /// <param name="factory">Creates the layer from its config (the class's <c>FromConfig</c>).</param>
    public static void RegisterClass<TLayer>(string registeredName, Func<JsonObject, TLayer> factory) where TLayer : Layer
    {
        ArgumentException.ThrowIfNullOrEmpty(registeredName);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Lock)
        {
            Factories[Key(registeredName)] = factory;
            NamesByClass[typeof(TLayer)] = registeredName;
        }
    }

    /// <summary>
    /// Registers layer class <typeparamref name="TLayer"/> as <see cref="RegisterClass{TLayer}(string, Func{JsonObject, TLayer})"/>
    /// does, with the signature of its <c>Call</c>: <see cref="Layer.InvokeRecorded"/> replays a recorded call of the class
    /// (or of an unregistered subclass) with it, so the class needs no generated <c>InvokeRecorded</c>.
    /// </summary>
    /// <typeparam name="TLayer">The class the factory creates.</typeparam>
    /// <param name="registeredName"><c>package&gt;ClassName</c>.</param>
    /// <param name="factory">Creates the layer from its config (the class's <c>FromConfig</c>).</param>
    /// <param name="call">What replaying a recorded call needs to know about the class's <c>Call</c>.</param>
    public static void RegisterClass<TLayer>(string registeredName, Func<JsonObject, TLayer> factory, CallSignature call) where TLayer : Layer
    {
        RegisterClass(registeredName, factory);
        lock (Lock) CallsByClass[typeof(TLayer)] = call;
    }

    /// <summary>
    /// The <c>Call</c> signature registered for <paramref name="type"/> or its nearest base class below <see cref="Layer"/>
    /// that has one, or null.
    /// </summary>
    internal static CallSignature? CallSignatureOf(Type type)
    {
        return NearestBelowLayer(CallsByClass, type);
    }

    /// <summary>
    /// The registered name of <paramref name="type"/> or of its nearest registered base class below <see cref="Layer"/>
    /// (<see cref="RegisterClass{TLayer}(string, Func{JsonObject, TLayer})"/>), or null.
    /// </summary>
    internal static string? RegisteredNameOf(Type type)
    {
        return NearestBelowLayer(NamesByClass, type);
    }

    /// <summary>The entry of <paramref name="type"/> or of its nearest base class below <see cref="Layer"/> that has one, or the default.</summary>
    private static T? NearestBelowLayer<T>(Dictionary<Type, T> byClass, Type type)
    {
        lock (Lock)
        {
            for (Type? t = type; t is not null && t != typeof(Layer); t = t.BaseType)
                if (byClass.TryGetValue(t, out var value))
                    return value;
        }
        return default;
    }

    /// <summary>Whether a name is registered.</summary>
    public static bool IsRegistered(string registeredName)
    {
        lock (Lock) return Factories.ContainsKey(Key(registeredName));
    }

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyList<string> RegisteredNames
    {
        get { lock (Lock) return [.. Factories.Keys.Order(StringComparer.Ordinal)]; }
    }

    internal static string Key(string registeredName) => IsKerasPackage(registeredName, out var cls) ? cls : registeredName;

    /// <summary>True when the name's package is <c>keras</c> or <c>keras.*</c>; gives the class name.</summary>
    internal static bool IsKerasPackage(string registeredName, out string className)
    {
        int i = registeredName.LastIndexOf('>');
        className = i < 0 ? registeredName : registeredName[(i + 1)..];
        if (i < 0) return false;
        var package = registeredName[..i];
        return package == "keras" || package.StartsWith("keras.", StringComparison.Ordinal);
    }

    /// <summary>
    /// The refusal when a file's <c>registered_name</c> is unknown but its <c>class_name</c> is registered: the
    /// object is some other class that happens to share the name, so it is not loaded as the registered one.
    /// </summary>
    internal static string UnknownRegisteredName(string kind, string registeredName, string className)
        => $"The serialized {kind} has registered_name '{registeredName}', which is not registered, and class_name '{className}', which is; "
            + $"it is not loaded as '{className}' because the file names another class. Register '{registeredName}' (a [Layer] or [KerasSerializable] class registers itself under its package and class name when its assembly loads).";

    /// <summary>
    /// The Keras 3 serialized form of a layer: <c>module</c>, <c>class_name</c>, <c>config</c>,
    /// <c>registered_name</c> (null for built-ins) and, when built, <c>build_config</c>.
    /// </summary>
    public static JsonObject Serialize(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var registered = layer.RegisteredName;
        bool builtIn = IsKerasPackage(registered, out var cls);
        int i = registered.LastIndexOf('>');
        string module = layer.SerializedModule ?? (i < 0 ? "" : registered[..i]);
        var result = new JsonObject
        {
            ["module"] = module,
            ["class_name"] = layer.ClassName,
            ["config"] = layer.GetConfig(),
            ["registered_name"] = layer.SerializedRegisteredName ?? (builtIn ? null : registered),
        };
        _ = cls;
        if (layer.BuildConfig is { } bc) result["build_config"] = bc;
        return result;
    }

    /// <summary>
    /// Creates a layer from its serialized form (<c>{module, class_name, config, registered_name, build_config?}</c>):
    /// looks up <c>registered_name</c> (when it is set), else <c>class_name</c>, calls the factory with <c>config</c>, then
    /// builds it from <c>build_config</c> when present.
    /// </summary>
    public static Layer Deserialize(JsonObject serialized) => Deserialize(serialized, inputDTypes: null);

    /// <summary>
    /// <see cref="Deserialize(JsonObject)"/>, building from <c>build_config</c> on symbolic inputs of
    /// <paramref name="inputDTypes"/> (one per input; Keras's <c>build_config</c> records shapes only), so a
    /// layer that takes int32 ids is built on int32 inputs. Null uses the layer's dtype.
    /// </summary>
    public static Layer Deserialize(JsonObject serialized, IReadOnlyList<DType>? inputDTypes)
    {
        var layer = DeserializeUnbuilt(serialized, out var buildConfig);
        if (buildConfig is not null) BuildFrom(layer, serialized, buildConfig, inputDTypes);
        return layer;
    }

    /// <summary>
    /// Builds <paramref name="layer"/> from its recorded <c>build_config</c>, refusals named as config errors.
    /// Containers (Sequential, functional models) call it after their own graph has built the layer from
    /// their input layers, whose dtype is recorded, so only layers the graph did not reach build here.
    /// </summary>
    internal static void BuildFrom(Layer layer, JsonObject serialized, JsonObject buildConfig, IReadOnlyList<DType>? inputDTypes)
    {
        try
        {
            layer.BuildFromConfig(buildConfig, inputDTypes);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException
            or FormatException or KeyNotFoundException)
        {
            throw new ConfigException($"Cannot create the layer '{SerializedName(serialized)}' from its config: {e.Message} ({e.GetType().Name})", e);
        }
    }

    private static string? SerializedName(JsonObject serialized)
    {
        Config.TryGetString(serialized["registered_name"], out var registered);
        Config.TryGetString(serialized["class_name"], out var className);
        return string.IsNullOrEmpty(registered) ? className : registered;
    }

    /// <summary>
    /// Creates a layer from its serialized form without building it; <paramref name="buildConfig"/> is its
    /// <c>build_config</c>, for the caller to apply once it knows the input dtypes.
    /// </summary>
    internal static Layer DeserializeUnbuilt(JsonObject serialized, out JsonObject? buildConfig)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        if (KerasOperation.IsOperation(serialized))
        {
            buildConfig = null;
            return KerasOperation.FromSerialized(serialized);
        }
        Config.TryGetString(serialized["registered_name"], out var registered);
        Config.TryGetString(serialized["class_name"], out var className);
        var name = SerializedName(serialized);
        if (string.IsNullOrEmpty(name))
            throw new ConfigException($"A serialized layer needs a \"class_name\" or a \"registered_name\", got {serialized.ToJsonString()}.");
        Func<JsonObject, Layer>? factory;
        lock (Lock) Factories.TryGetValue(Key(name), out factory);
        if (factory is null && !string.IsNullOrEmpty(registered) && !string.IsNullOrEmpty(className) && IsRegistered(className))
            throw new ConfigException(UnknownRegisteredName("layer", registered, className));
        if (factory is null)
            throw new ConfigException($"Could not locate class '{name}'. Make sure custom classes are registered (a [Layer] class registers itself when its assembly loads; otherwise call LayerRegistry.Register). Registered names: {string.Join(", ", RegisteredNames)}.");
        var config = serialized["config"] as JsonObject ?? throw new ConfigException($"The serialized layer '{name}' has no \"config\" object.");
        try
        {
            var layer = factory(config);
            buildConfig = serialized["build_config"] as JsonObject;
            return layer;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException
            or FormatException or KeyNotFoundException)
        {
            // A config the constructor or the build refuses (units=0, a bad input_shape, duplicate layer names...)
            // is a config error, named with the layer, not a bare .NET exception.
            throw new ConfigException($"Cannot create the layer '{name}' from its config: {e.Message} ({e.GetType().Name})", e);
        }
    }
}
