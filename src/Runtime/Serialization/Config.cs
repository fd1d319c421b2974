using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LayerGen.Optimizers;

namespace LayerGen.Serialization;

/// <summary>
/// The helpers generated <c>GetConfig</c>/<c>FromConfig</c> code uses to write constructor arguments
/// into a Keras config (<see cref="JsonObject"/>) and read them back. Everything goes through
/// <c>System.Text.Json.Nodes</c>: no reflection-based serialization, so it is trimming and NativeAOT safe.
/// Readers take the key and the layer class name so errors say which config and key were wrong.
/// Plumbing for generated code, hidden from IntelliSense.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Config
{
    // ---------------------------------------------------------------- writing

    /// <summary>Writes an <see cref="int"/>.</summary>
    public static JsonNode Write(int value) => JsonValue.Create(value);
    /// <summary>Writes a <see cref="long"/>.</summary>
    public static JsonNode Write(long value) => JsonValue.Create(value);
    /// <summary>Writes a <see cref="float"/> (as the double it converts to, as Keras writes float32 values).</summary>
    public static JsonNode Write(float value) => JsonValue.Create((double)value);
    /// <summary>Writes a <see cref="double"/>.</summary>
    public static JsonNode Write(double value) => JsonValue.Create(value);
    /// <summary>Writes a <see cref="bool"/>.</summary>
    public static JsonNode Write(bool value) => JsonValue.Create(value);
    /// <summary>Writes a string, or null.</summary>
    public static JsonNode? Write(string? value) => value is null ? null : JsonValue.Create(value);
    /// <summary>Writes a nullable <see cref="int"/>.</summary>
    public static JsonNode? Write(int? value) => value is { } v ? Write(v) : null;
    /// <summary>Writes a nullable <see cref="long"/>.</summary>
    public static JsonNode? Write(long? value) => value is { } v ? Write(v) : null;
    /// <summary>Writes a nullable <see cref="float"/>.</summary>
    public static JsonNode? Write(float? value) => value is { } v ? Write(v) : null;
    /// <summary>Writes a nullable <see cref="double"/>.</summary>
    public static JsonNode? Write(double? value) => value is { } v ? Write(v) : null;
    /// <summary>Writes a nullable <see cref="bool"/>.</summary>
    public static JsonNode? Write(bool? value) => value is { } v ? Write(v) : null;

    /// <summary>Writes an enum value as its name in snake_case (<c>SamePadding</c> to <c>"same_padding"</c>).</summary>
    public static JsonNode WriteEnum<TEnum>(TEnum value) where TEnum : struct, Enum => JsonValue.Create(ToSnakeCase(value.ToString()));
    /// <summary>Writes a nullable enum value.</summary>
    public static JsonNode? WriteEnum<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? WriteEnum(v) : null;

    /// <summary>Writes a dtype by its Keras name (<c>"float32"</c>).</summary>
    public static JsonNode Write(DType value) => JsonValue.Create(value.Name());
    /// <summary>Writes a nullable dtype.</summary>
    public static JsonNode? Write(DType? value) => value is { } v ? Write(v) : null;

    /// <summary>Writes a shape as a list, unknown dimensions as null: <c>[null, 3]</c>.</summary>
    public static JsonNode Write(Shape value)
    {
        var array = new JsonArray();
        foreach (var d in value.Dims) array.Add(d == Shape.Unknown ? (JsonNode?)null : JsonValue.Create(d));
        return array;
    }
    /// <summary>Writes a nullable shape.</summary>
    public static JsonNode? Write(Shape? value) => value is { } v ? Write(v) : null;

    /// <summary>Writes an <see cref="int"/> array as a list.</summary>
    public static JsonNode? Write(int[]? values) => Write((IEnumerable<int>?)values);
    /// <summary>Writes a <see cref="long"/> array as a list.</summary>
    public static JsonNode? Write(long[]? values) => Write((IEnumerable<long>?)values);
    /// <summary>Writes a <see cref="float"/> array as a list.</summary>
    public static JsonNode? Write(float[]? values) => Write((IEnumerable<float>?)values);
    /// <summary>Writes a <see cref="double"/> array as a list.</summary>
    public static JsonNode? Write(double[]? values) => Write((IEnumerable<double>?)values);
    /// <summary>Writes a <see cref="bool"/> array as a list.</summary>
    public static JsonNode? Write(bool[]? values) => Write((IEnumerable<bool>?)values);
    /// <summary>Writes a string array as a list.</summary>
    public static JsonNode? Write(string?[]? values) => Write((IEnumerable<string?>?)values);
    /// <summary>Writes a sequence of <see cref="int"/> as a list.</summary>
    public static JsonNode? Write(IEnumerable<int>? values) => WriteList(values, static v => JsonValue.Create(v));
    /// <summary>Writes a sequence of <see cref="long"/> as a list.</summary>
    public static JsonNode? Write(IEnumerable<long>? values) => WriteList(values, static v => JsonValue.Create(v));
    /// <summary>Writes a sequence of <see cref="float"/> as a list.</summary>
    public static JsonNode? Write(IEnumerable<float>? values) => WriteList(values, static v => JsonValue.Create((double)v));
    /// <summary>Writes a sequence of <see cref="double"/> as a list.</summary>
    public static JsonNode? Write(IEnumerable<double>? values) => WriteList(values, static v => JsonValue.Create(v));
    /// <summary>Writes a sequence of <see cref="bool"/> as a list.</summary>
    public static JsonNode? Write(IEnumerable<bool>? values) => WriteList(values, static v => JsonValue.Create(v));
    /// <summary>Writes a sequence of strings as a list.</summary>
    public static JsonNode? Write(IEnumerable<string?>? values) => WriteList(values, static v => v is null ? null : JsonValue.Create(v));
    /// <summary>Writes a sequence of shapes as a list of lists.</summary>
    public static JsonNode? Write(IEnumerable<Shape>? values) => WriteList(values, static v => Write(v));
    /// <summary>Writes a sequence of enum values as a list of snake_case names.</summary>
    public static JsonNode? WriteEnums<TEnum>(IEnumerable<TEnum>? values) where TEnum : struct, Enum => WriteList(values, static v => WriteEnum(v));

    private static JsonArray? WriteList<T>(IEnumerable<T>? values, Func<T, JsonNode?> write)
    {
        if (values is null) return null;
        var array = new JsonArray();
        foreach (var v in values) array.Add(write(v));
        return array;
    }

    /// <summary>Writes an activation by its name (<c>"relu"</c>), or null.</summary>
    public static JsonNode? Write(ActivationFunction? value) => value is null ? null : JsonValue.Create(value.Name);
    /// <summary>Writes an initializer as Keras's nested object, or null.</summary>
    public static JsonNode? Write(Initializer? value) => value?.Serialize();
    /// <summary>Writes a regularizer as Keras's nested object, or null.</summary>
    public static JsonNode? Write(Regularizer? value) => value?.Serialize();
    /// <summary>Writes a constraint as Keras's nested object, or null.</summary>
    public static JsonNode? Write(Constraint? value) => value?.Serialize();
    /// <summary>Writes any other Keras object (a learning-rate schedule, ...) as Keras's nested object, or null.</summary>
    public static JsonNode? Write(KerasObject? value) => value?.Serialize();
    /// <summary>Writes a nested layer as Keras's nested object (<c>module</c>, <c>class_name</c>, <c>config</c>, ...), or null.</summary>
    public static JsonNode? WriteLayer(Layer? value) => value is null ? null : LayerRegistry.Serialize(value);
    /// <summary>Writes a list of nested layers.</summary>
    public static JsonNode? WriteLayers(IEnumerable<Layer>? values) => WriteList(values, static v => LayerRegistry.Serialize(v));
    /// <summary>Copies a JSON value as is (for arguments Keras keeps as raw dictionaries).</summary>
    public static JsonNode? Write(JsonNode? value) => value?.DeepClone();

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/> in <paramref name="config"/> and returns it: the generated
    /// <c>GetConfig</c> of a class with one config key of its own is one expression (issue 23).
    /// </summary>
    public static JsonObject With(JsonObject config, string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(config);
        config[key] = value;
        return config;
    }

    /// <summary>The layer dtype as Keras 3 writes it: a <c>DTypePolicy</c> object.</summary>
    public static JsonObject WriteDTypePolicy(DType dtype) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new JsonObject { ["name"] = dtype.Name() },
        ["registered_name"] = null,
    };

    // ---------------------------------------------------------------- reading

    private static JsonNode? Get(JsonObject config, string key, string layerClass)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TryGetPropertyValue(key, out var node))
            throw ConfigException.For(layerClass, key, "is missing");
        return node;
    }

    private static JsonNode NotNull(JsonNode? node, string key, string layerClass, string expected)
        => node ?? throw ConfigException.For(layerClass, key, $"is null, expected {expected}");

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    internal static bool TryGetInt64(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        if (v.TryGetValue(out double d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18) { value = (long)d; return true; }
        if (v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number)
        {
            if (e.TryGetInt64(out l)) { value = l; return true; }
            if (e.TryGetDouble(out d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18) { value = (long)d; return true; }
        }
        return false;
    }

    internal static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out double d)) { value = d; return true; }
        if (v.TryGetValue(out float f)) { value = f; return true; }
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        if (v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out d)) { value = d; return true; }
        return false;
    }

    internal static bool TryGetString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.TryGetValue(out string? s) && s is not null) { value = s; return true; }
        return false;
    }

    internal static bool TryGetBoolean(JsonNode? node, out bool value)
    {
        value = false;
        return node is JsonValue v && v.TryGetValue(out value);
    }

    private static int ToInt32(JsonNode? node, string key, string layerClass)
    {
        if (!TryGetInt64(node, out var l) || l < int.MinValue || l > int.MaxValue)
            throw ConfigException.For(layerClass, key, $"must be a 32-bit integer, got {Describe(node)}");
        return (int)l;
    }
    private static long ToInt64(JsonNode? node, string key, string layerClass)
        => TryGetInt64(node, out var l) ? l : throw ConfigException.For(layerClass, key, $"must be an integer, got {Describe(node)}");
    private static double ToDouble(JsonNode? node, string key, string layerClass)
        => TryGetDouble(node, out var d) ? d : throw ConfigException.For(layerClass, key, $"must be a number, got {Describe(node)}");
    private static bool ToBoolean(JsonNode? node, string key, string layerClass)
        => TryGetBoolean(node, out var b) ? b : throw ConfigException.For(layerClass, key, $"must be true or false, got {Describe(node)}");
    private static string ToStringValue(JsonNode? node, string key, string layerClass)
        => TryGetString(node, out var s) ? s : throw ConfigException.For(layerClass, key, $"must be a string, got {Describe(node)}");

    /// <summary>Reads a required <see cref="int"/>.</summary>
    public static int ReadInt32(JsonObject config, string key, string layerClass) => ToInt32(NotNull(Get(config, key, layerClass), key, layerClass, "an integer"), key, layerClass);
    /// <summary>Reads an <see cref="int"/>, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static int ReadInt32(JsonObject config, string key, string layerClass, int defaultValue) => config.ContainsKey(key) ? ReadInt32(config, key, layerClass) : defaultValue;
    /// <summary>Reads an <see cref="int"/> that may be null or missing.</summary>
    public static int? ReadInt32OrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? ToInt32(n, key, layerClass) : null;

    /// <summary>Reads a required <see cref="long"/>.</summary>
    public static long ReadInt64(JsonObject config, string key, string layerClass) => ToInt64(NotNull(Get(config, key, layerClass), key, layerClass, "an integer"), key, layerClass);
    /// <summary>Reads a <see cref="long"/>, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static long ReadInt64(JsonObject config, string key, string layerClass, long defaultValue) => config.ContainsKey(key) ? ReadInt64(config, key, layerClass) : defaultValue;
    /// <summary>Reads a <see cref="long"/> that may be null or missing.</summary>
    public static long? ReadInt64OrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? ToInt64(n, key, layerClass) : null;

    /// <summary>Reads a required <see cref="float"/>.</summary>
    public static float ReadSingle(JsonObject config, string key, string layerClass) => (float)ToDouble(NotNull(Get(config, key, layerClass), key, layerClass, "a number"), key, layerClass);
    /// <summary>Reads a <see cref="float"/>, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static float ReadSingle(JsonObject config, string key, string layerClass, float defaultValue) => config.ContainsKey(key) ? ReadSingle(config, key, layerClass) : defaultValue;
    /// <summary>Reads a <see cref="float"/> that may be null or missing.</summary>
    public static float? ReadSingleOrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? (float)ToDouble(n, key, layerClass) : null;

    /// <summary>Reads a required <see cref="double"/>.</summary>
    public static double ReadDouble(JsonObject config, string key, string layerClass) => ToDouble(NotNull(Get(config, key, layerClass), key, layerClass, "a number"), key, layerClass);
    /// <summary>Reads a <see cref="double"/>, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static double ReadDouble(JsonObject config, string key, string layerClass, double defaultValue) => config.ContainsKey(key) ? ReadDouble(config, key, layerClass) : defaultValue;
    /// <summary>Reads a <see cref="double"/> that may be null or missing.</summary>
    public static double? ReadDoubleOrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? ToDouble(n, key, layerClass) : null;

    /// <summary>Reads a required <see cref="bool"/>.</summary>
    public static bool ReadBoolean(JsonObject config, string key, string layerClass) => ToBoolean(NotNull(Get(config, key, layerClass), key, layerClass, "true or false"), key, layerClass);
    /// <summary>Reads a <see cref="bool"/>, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static bool ReadBoolean(JsonObject config, string key, string layerClass, bool defaultValue) => config.ContainsKey(key) ? ReadBoolean(config, key, layerClass) : defaultValue;
    /// <summary>Reads a <see cref="bool"/> that may be null or missing.</summary>
    public static bool? ReadBooleanOrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? ToBoolean(n, key, layerClass) : null;

    /// <summary>Reads a required, non-null string.</summary>
    public static string ReadString(JsonObject config, string key, string layerClass) => ToStringValue(NotNull(Get(config, key, layerClass), key, layerClass, "a string"), key, layerClass);
    /// <summary>Reads a string, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static string? ReadString(JsonObject config, string key, string layerClass, string? defaultValue) => config.ContainsKey(key) ? ReadStringOrNull(config, key, layerClass) : defaultValue;
    /// <summary>Reads a string that may be null or missing.</summary>
    public static string? ReadStringOrNull(JsonObject config, string key, string layerClass) => config.TryGetPropertyValue(key, out var n) && n is not null ? ToStringValue(n, key, layerClass) : null;

    /// <summary>Reads an enum written as a snake_case name (the case and underscores are ignored).</summary>
    public static TEnum ReadEnum<TEnum>(JsonObject config, string key, string layerClass) where TEnum : struct, Enum
        => ParseEnum<TEnum>(ReadString(config, key, layerClass), key, layerClass);
    /// <summary>Reads an enum, or <paramref name="defaultValue"/> when the key is missing.</summary>
    public static TEnum ReadEnum<TEnum>(JsonObject config, string key, string layerClass, TEnum defaultValue) where TEnum : struct, Enum
        => config.ContainsKey(key) ? ReadEnum<TEnum>(config, key, layerClass) : defaultValue;
    /// <summary>Reads an enum that may be null or missing.</summary>
    public static TEnum? ReadEnumOrNull<TEnum>(JsonObject config, string key, string layerClass) where TEnum : struct, Enum
        => ReadStringOrNull(config, key, layerClass) is { } s ? ParseEnum<TEnum>(s, key, layerClass) : null;

    private static TEnum ParseEnum<TEnum>(string text, string key, string layerClass) where TEnum : struct, Enum
    {
        if (Enum.TryParse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value))
            return value;
        var names = string.Join(", ", Enum.GetNames<TEnum>().Select(n => "\"" + ToSnakeCase(n) + "\""));
        throw ConfigException.For(layerClass, key, $"has the unknown value \"{text}\" (expected one of {names})");
    }

    /// <summary>Reads a dtype name, or a Keras <c>DTypePolicy</c> object.</summary>
    public static DType ReadDType(JsonObject config, string key, string layerClass)
        => ToDType(NotNull(Get(config, key, layerClass), key, layerClass, "a dtype"), key, layerClass);
    /// <summary>Reads a dtype, or <paramref name="defaultValue"/> when the key is missing or null.</summary>
    public static DType ReadDType(JsonObject config, string key, string layerClass, DType defaultValue)
        => config.TryGetPropertyValue(key, out var n) && n is not null ? ToDType(n, key, layerClass) : defaultValue;
    /// <summary>Reads a dtype that may be null or missing.</summary>
    public static DType? ReadDTypeOrNull(JsonObject config, string key, string layerClass)
        => config.TryGetPropertyValue(key, out var n) && n is not null ? ToDType(n, key, layerClass) : null;

    internal static DType ToDType(JsonNode node, string key, string layerClass)
    {
        string? name = null;
        if (TryGetString(node, out var s)) name = s;
        else if (node is JsonObject o && o["config"] is JsonObject c && TryGetString(c["name"], out var n)) name = n;
        if (name is null) throw ConfigException.For(layerClass, key, $"must be a dtype name or a DTypePolicy object, got {Describe(node)}");
        // Mixed-precision policies ("mixed_float16") are not supported; the variable dtype is what we keep.
        try { return DTypes.Parse(name); }
        catch (ArgumentException e) { throw new ConfigException($"Cannot read the config of {layerClass}: key \"{key}\": {e.Message}", e); }
    }

    /// <summary>Reads a required shape (<c>[null, 3]</c>; null is an unknown dimension).</summary>
    public static Shape ReadShape(JsonObject config, string key, string layerClass)
        => ToShape(NotNull(Get(config, key, layerClass), key, layerClass, "a shape"), key, layerClass);
    /// <summary>Reads a shape that may be null or missing.</summary>
    public static Shape? ReadShapeOrNull(JsonObject config, string key, string layerClass)
        => config.TryGetPropertyValue(key, out var n) && n is not null ? (Shape?)ToShape(n, key, layerClass) : null;

    internal static Shape ToShape(JsonNode node, string key, string layerClass)
    {
        if (node is not JsonArray array) throw ConfigException.For(layerClass, key, $"must be a list of dimensions, got {Describe(node)}");
        var dims = new int[array.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var item = array[i];
            if (item is null) dims[i] = Shape.Unknown;
            else if (TryGetInt64(item, out var l) && l >= 0 && l <= int.MaxValue) dims[i] = (int)l;
            else throw ConfigException.For(layerClass, key, $"must be a list of dimensions (non-negative integers or null), got {Describe(node)}");
        }
        return new Shape(dims);
    }

    private static T[]? ReadArray<T>(JsonObject config, string key, string layerClass, bool required, Func<JsonNode?, string, string, T> read)
    {
        JsonNode? node;
        if (required) node = NotNull(Get(config, key, layerClass), key, layerClass, "a list");
        else if (!config.TryGetPropertyValue(key, out node) || node is null) return null;
        if (node is not JsonArray array) throw ConfigException.For(layerClass, key, $"must be a list, got {Describe(node)}");
        var result = new T[array.Count];
        for (int i = 0; i < result.Length; i++) result[i] = read(array[i], key, layerClass);
        return result;
    }

    /// <summary>Reads a list of <see cref="int"/>.</summary>
    public static int[] ReadInt32Array(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, ToInt32)!;
    /// <summary>Reads a list of <see cref="int"/> that may be null or missing.</summary>
    public static int[]? ReadInt32ArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, ToInt32);
    /// <summary>Reads a list of <see cref="long"/>.</summary>
    public static long[] ReadInt64Array(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, ToInt64)!;
    /// <summary>Reads a list of <see cref="long"/> that may be null or missing.</summary>
    public static long[]? ReadInt64ArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, ToInt64);
    /// <summary>Reads a list of <see cref="float"/>.</summary>
    public static float[] ReadSingleArray(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, static (n, k, c) => (float)ToDouble(n, k, c))!;
    /// <summary>Reads a list of <see cref="float"/> that may be null or missing.</summary>
    public static float[]? ReadSingleArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, static (n, k, c) => (float)ToDouble(n, k, c));
    /// <summary>Reads a list of <see cref="double"/>.</summary>
    public static double[] ReadDoubleArray(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, ToDouble)!;
    /// <summary>Reads a list of <see cref="double"/> that may be null or missing.</summary>
    public static double[]? ReadDoubleArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, ToDouble);
    /// <summary>Reads a list of <see cref="bool"/>.</summary>
    public static bool[] ReadBooleanArray(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, ToBoolean)!;
    /// <summary>Reads a list of <see cref="bool"/> that may be null or missing.</summary>
    public static bool[]? ReadBooleanArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, ToBoolean);
    /// <summary>Reads a list of strings.</summary>
    public static string[] ReadStringArray(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, ToStringValue)!;
    /// <summary>Reads a list of strings that may be null or missing.</summary>
    public static string[]? ReadStringArrayOrNull(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, false, ToStringValue);
    /// <summary>Reads a list of shapes.</summary>
    public static Shape[] ReadShapeArray(JsonObject config, string key, string layerClass) => ReadArray(config, key, layerClass, true, static (n, k, c) => ToShape(NotNull(n, k, c, "a shape"), k, c))!;
    /// <summary>Reads a list of enum names.</summary>
    public static TEnum[] ReadEnumArray<TEnum>(JsonObject config, string key, string layerClass) where TEnum : struct, Enum
        => ReadArray(config, key, layerClass, true, static (n, k, c) => ParseEnum<TEnum>(ToStringValue(n, k, c), k, c))!;

    /// <summary>
    /// Reads an axis-like argument in every form Keras writes it: an integer (<c>-1</c>) or a list of integers
    /// (<c>[-1]</c>, also how a Python tuple is written), or <paramref name="defaultValue"/> when the key is missing.
    /// </summary>
    public static int[] ReadAxes(JsonObject config, string key, string layerClass, int[] defaultValue)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TryGetPropertyValue(key, out var node))
            return defaultValue;
        if (node is JsonArray)
        {
            var axes = ReadInt32Array(config, key, layerClass);
            if (axes.Length == 0) throw ConfigException.For(layerClass, key, "must name at least one axis, got []");
            return axes;
        }
        return [ToInt32(NotNull(node, key, layerClass, "an integer or a list of integers"), key, layerClass)];
    }

    /// <summary>Reads a list of <see cref="int"/> into a <see cref="List{T}"/>.</summary>
    public static List<int> ReadInt32List(JsonObject config, string key, string layerClass) => [.. ReadInt32Array(config, key, layerClass)];
    /// <summary>Reads a list of <see cref="long"/> into a <see cref="List{T}"/>.</summary>
    public static List<long> ReadInt64List(JsonObject config, string key, string layerClass) => [.. ReadInt64Array(config, key, layerClass)];
    /// <summary>Reads a list of <see cref="float"/> into a <see cref="List{T}"/>.</summary>
    public static List<float> ReadSingleList(JsonObject config, string key, string layerClass) => [.. ReadSingleArray(config, key, layerClass)];
    /// <summary>Reads a list of <see cref="double"/> into a <see cref="List{T}"/>.</summary>
    public static List<double> ReadDoubleList(JsonObject config, string key, string layerClass) => [.. ReadDoubleArray(config, key, layerClass)];
    /// <summary>Reads a list of <see cref="bool"/> into a <see cref="List{T}"/>.</summary>
    public static List<bool> ReadBooleanList(JsonObject config, string key, string layerClass) => [.. ReadBooleanArray(config, key, layerClass)];
    /// <summary>Reads a list of strings into a <see cref="List{T}"/>.</summary>
    public static List<string> ReadStringList(JsonObject config, string key, string layerClass) => [.. ReadStringArray(config, key, layerClass)];

    /// <summary>Reads an activation by name (<c>"relu"</c>), or Keras's nested form; null or missing gives null.</summary>
    public static ActivationFunction? ReadActivation(JsonObject config, string key, string layerClass)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        return Wrap(layerClass, key, () => ActivationFunction.Deserialize(node));
    }

    /// <summary>Reads an initializer (Keras nested object or a name such as <c>"zeros"</c>); null or missing gives null.</summary>
    public static Initializer? ReadInitializer(JsonObject config, string key, string layerClass)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        return Wrap(layerClass, key, () => Initializer.Deserialize(node));
    }

    /// <summary>Reads a regularizer; null or missing gives null.</summary>
    public static Regularizer? ReadRegularizer(JsonObject config, string key, string layerClass)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        return Wrap(layerClass, key, () => Regularizer.Deserialize(node));
    }

    /// <summary>Reads a constraint; null or missing gives null.</summary>
    public static Constraint? ReadConstraint(JsonObject config, string key, string layerClass)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        return Wrap(layerClass, key, () => Constraint.Deserialize(node));
    }

    /// <summary>
    /// Reads a Keras object of kind <typeparamref name="T"/> (a learning-rate schedule, ...) from its nested form through
    /// <see cref="KerasRegistry{T}"/>; null or missing gives null.
    /// </summary>
    public static T? ReadKerasObject<T>(JsonObject config, string key, string layerClass) where T : KerasObject
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        if (node is not JsonObject o) throw ConfigException.For(layerClass, key, $"must be a Keras object ({{\"class_name\", \"config\"}}), got {Describe(node)}");
        return Wrap(layerClass, key, () => KerasRegistry<T>.Deserialize(o));
    }

    /// <summary>Reads a required nested layer of type <typeparamref name="T"/> through <see cref="LayerRegistry"/>.</summary>
    public static T ReadLayer<T>(JsonObject config, string key, string layerClass) where T : Layer
        => ReadLayerOrNull<T>(config, key, layerClass) ?? throw ConfigException.For(layerClass, key, "is null, expected a layer");

    /// <summary>Reads a nested layer that may be null or missing.</summary>
    public static T? ReadLayerOrNull<T>(JsonObject config, string key, string layerClass) where T : Layer
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        if (node is not JsonObject o) throw ConfigException.For(layerClass, key, $"must be a layer object, got {Describe(node)}");
        var layer = Wrap(layerClass, key, () => LayerRegistry.Deserialize(o));
        return layer as T ?? throw ConfigException.For(layerClass, key, $"holds a {layer.GetType().Name}, expected a {typeof(T).Name}");
    }

    /// <summary>Reads a list of nested layers.</summary>
    public static List<T> ReadLayerList<T>(JsonObject config, string key, string layerClass) where T : Layer
    {
        var node = NotNull(Get(config, key, layerClass), key, layerClass, "a list of layers");
        if (node is not JsonArray array) throw ConfigException.For(layerClass, key, $"must be a list of layers, got {Describe(node)}");
        var list = new List<T>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject o) throw ConfigException.For(layerClass, key, $"must hold layer objects, got {Describe(item)}");
            var layer = Wrap(layerClass, key, () => LayerRegistry.Deserialize(o));
            list.Add(layer as T ?? throw ConfigException.For(layerClass, key, $"holds a {layer.GetType().Name}, expected a {typeof(T).Name}"));
        }
        return list;
    }

    /// <summary>
    /// Reads a list of nested layers without building them: each comes with its serialized form, so the
    /// container can build it (<see cref="BuildLayerList"/>) after its own graph ran on its typed input layers.
    /// </summary>
    internal static List<(T Layer, JsonObject Serialized)> ReadUnbuiltLayerList<T>(JsonObject config, string key, string layerClass) where T : Layer
    {
        var node = NotNull(Get(config, key, layerClass), key, layerClass, "a list of layers");
        if (node is not JsonArray array) throw ConfigException.For(layerClass, key, $"must be a list of layers, got {Describe(node)}");
        var list = new List<(T, JsonObject)>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject o) throw ConfigException.For(layerClass, key, $"must hold layer objects, got {Describe(item)}");
            var layer = Wrap(layerClass, key, () => LayerRegistry.DeserializeUnbuilt(o, out _));
            list.Add((layer as T ?? throw ConfigException.For(layerClass, key, $"holds a {layer.GetType().Name}, expected a {typeof(T).Name}"), o));
        }
        return list;
    }

    /// <summary>Builds the layers of <see cref="ReadUnbuiltLayerList"/> that are still unbuilt from their <c>build_config</c>.</summary>
    internal static void BuildLayerList<T>(List<(T Layer, JsonObject Serialized)> layers, string key, string layerClass) where T : Layer
    {
        foreach (var (layer, serialized) in layers)
            if (!layer.IsBuilt && serialized["build_config"] is JsonObject buildConfig)
                Wrap(layerClass, key, () => { LayerRegistry.BuildFrom(layer, serialized, buildConfig, null); return 0; });
    }

    /// <summary>Reads a raw JSON value (copied), or null.</summary>
    public static JsonNode? ReadJson(JsonObject config, string key, string layerClass)
        => config.TryGetPropertyValue(key, out var node) ? node?.DeepClone() : null;

    /// <summary>Reads a raw JSON object (copied), or null.</summary>
    public static JsonObject? ReadJsonObject(JsonObject config, string key, string layerClass)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        return node.DeepClone() as JsonObject ?? throw ConfigException.For(layerClass, key, $"must be an object, got {Describe(node)}");
    }

    /// <summary>Reads the layer name (<c>"name"</c>), which every layer config has.</summary>
    public static string ReadName(JsonObject config, string layerClass) => ReadString(config, "name", layerClass);

    private static T Wrap<T>(string layerClass, string key, Func<T> read)
    {
        try { return read(); }
        catch (ConfigException e) { throw new ConfigException($"Cannot read the config of {layerClass}: key \"{key}\": {e.Message}", e); }
    }

    // ---------------------------------------------------------------- names

    /// <summary>Keras's <c>to_snake_case</c>: <c>FlexibleDense</c> to <c>flexible_dense</c>, <c>Conv2DTranspose</c> to <c>conv2d_transpose</c>.</summary>
    /// <remarks>The rule is src/Shared/Naming.cs, the same file the generators compile, so names never disagree.</remarks>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SourceGeneration.Naming.ToSnakeCase(name);
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
