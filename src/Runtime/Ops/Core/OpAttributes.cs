using System.Globalization;

namespace LayerGen.Operations;

/// <summary>The kind of an op attribute value.</summary>
public enum OpAttributeKind
{
    /// <summary>No value (an optional attribute left unset, such as "all axes").</summary>
    Null,
    /// <summary>A boolean.</summary>
    Bool,
    /// <summary>An integer (stored as 64-bit).</summary>
    Int,
    /// <summary>A floating-point number (stored as a double; infinities and NaN are allowed).</summary>
    Float,
    /// <summary>Text (dtype names, enum names).</summary>
    String,
    /// <summary>A list of integers (axes, shapes with -1 for unknown dimensions).</summary>
    Ints,
}

/// <summary>One attribute value: a small tagged union, so attributes serialize without reflection.</summary>
public readonly record struct OpAttributeValue(OpAttributeKind Kind, long Int = 0, double Float = 0, string? String = null, int[]? Ints = null)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        OpAttributeKind.Null => "null",
        OpAttributeKind.Bool => Int != 0 ? "true" : "false",
        OpAttributeKind.Int => Int.ToString(CultureInfo.InvariantCulture),
        OpAttributeKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        OpAttributeKind.String => String ?? "",
        _ => "[" + string.Join(", ", Ints ?? []) + "]",
    };
}

/// <summary>
/// The attributes of an op (axes, flags, shapes...), by name, in the order written. An op writes them in
/// <see cref="Op.WriteAttributes"/> and is re-created from them by its factory in <see cref="OpRegistry"/>;
/// graph files store them as a JSON object. Reading a missing or mistyped attribute throws
/// <see cref="OpAttributeException"/> naming the op and the attribute.
/// </summary>
public sealed class OpAttributes
{
    private readonly List<KeyValuePair<string, OpAttributeValue>> _items = [];

    /// <summary>Creates an empty set for the op named <paramref name="opName"/>.</summary>
    public OpAttributes(string opName) => OpName = opName;

    /// <summary>The name of the op these attributes belong to (ops with several names, such as comparisons, use it).</summary>
    public string OpName { get; }

    /// <summary>The attributes, in the order they were written.</summary>
    public IReadOnlyList<KeyValuePair<string, OpAttributeValue>> Items => _items;

    /// <summary>The number of attributes.</summary>
    public int Count => _items.Count;

    /// <summary>Sets an attribute to a raw value (replacing one of the same name).</summary>
    public OpAttributes Set(string name, OpAttributeValue value)
    {
        for (int i = 0; i < _items.Count; i++)
            if (_items[i].Key == name) { _items[i] = new(name, value); return this; }
        _items.Add(new(name, value));
        return this;
    }

    /// <summary>Sets a boolean attribute.</summary>
    public OpAttributes Set(string name, bool value) => Set(name, new OpAttributeValue(OpAttributeKind.Bool, value ? 1 : 0));
    /// <summary>Sets an integer attribute.</summary>
    public OpAttributes Set(string name, long value) => Set(name, new OpAttributeValue(OpAttributeKind.Int, value));
    /// <summary>Sets an optional integer attribute (null is written as null).</summary>
    public OpAttributes Set(string name, int? value) => value is int v ? Set(name, (long)v) : Set(name, new OpAttributeValue(OpAttributeKind.Null));
    /// <summary>Sets a floating-point attribute.</summary>
    public OpAttributes Set(string name, double value) => Set(name, new OpAttributeValue(OpAttributeKind.Float, Float: value));
    /// <summary>Sets a text attribute.</summary>
    public OpAttributes Set(string name, string value) => Set(name, new OpAttributeValue(OpAttributeKind.String, String: value));
    /// <summary>Sets a dtype attribute (written as its name, e.g. <c>float32</c>).</summary>
    public OpAttributes Set(string name, DType value) => Set(name, value.Name());
    /// <summary>Sets an optional integer-list attribute (null is written as null).</summary>
    public OpAttributes Set(string name, int[]? value)
        => Set(name, value is null ? new OpAttributeValue(OpAttributeKind.Null) : new OpAttributeValue(OpAttributeKind.Ints, Ints: (int[])value.Clone()));
    /// <summary>Sets a shape attribute (a list of dimensions, -1 for unknown).</summary>
    public OpAttributes Set(string name, Shape value) => Set(name, value.ToArray());

    /// <summary>Whether an attribute of this name exists.</summary>
    public bool Contains(string name) => TryGet(name, out _);

    /// <summary>Looks an attribute up.</summary>
    public bool TryGet(string name, out OpAttributeValue value)
    {
        foreach (var kv in _items)
            if (kv.Key == name) { value = kv.Value; return true; }
        value = default;
        return false;
    }

    private OpAttributeValue Get(string name)
        => TryGet(name, out var v) ? v : throw new OpAttributeException(OpName, name, "is missing.");

    private OpAttributeException Wrong(string name, string expected, OpAttributeValue v)
        => new(OpName, name, $"should be {expected}, got {v.Kind.ToString().ToLowerInvariant()} {v}.");

    /// <summary>Reads a boolean attribute.</summary>
    public bool GetBool(string name)
    {
        var v = Get(name);
        return v.Kind == OpAttributeKind.Bool ? v.Int != 0 : throw Wrong(name, "a boolean", v);
    }

    /// <summary>Reads an integer attribute that must fit in an int.</summary>
    public int GetInt(string name)
    {
        var v = Get(name);
        if (v.Kind == OpAttributeKind.Float && v.Float == Math.Floor(v.Float) && Math.Abs(v.Float) <= int.MaxValue) return (int)v.Float;
        if (v.Kind != OpAttributeKind.Int) throw Wrong(name, "an integer", v);
        return v.Int is >= int.MinValue and <= int.MaxValue ? (int)v.Int : throw Wrong(name, "a 32-bit integer", v);
    }

    /// <summary>Reads an optional integer attribute (null when written as null).</summary>
    public int? GetIntOrNull(string name) => Get(name).Kind == OpAttributeKind.Null ? null : GetInt(name);

    /// <summary>Reads a floating-point attribute (integers are accepted).</summary>
    public double GetDouble(string name)
    {
        var v = Get(name);
        return v.Kind switch
        {
            OpAttributeKind.Float => v.Float,
            OpAttributeKind.Int => v.Int,
            // JSON has no infinities or NaN: graph files write them as these strings.
            OpAttributeKind.String when v.String is "NaN" => double.NaN,
            OpAttributeKind.String when v.String is "Infinity" => double.PositiveInfinity,
            OpAttributeKind.String when v.String is "-Infinity" => double.NegativeInfinity,
            _ => throw Wrong(name, "a number", v),
        };
    }

    /// <summary>Reads a text attribute.</summary>
    public string GetString(string name)
    {
        var v = Get(name);
        return v.Kind == OpAttributeKind.String ? v.String ?? "" : throw Wrong(name, "a string", v);
    }

    /// <summary>Reads a dtype attribute.</summary>
    public DType GetDType(string name)
    {
        var s = GetString(name);
        try { return DTypes.Parse(s); }
        catch (ArgumentException) { throw new OpAttributeException(OpName, name, $"names an unknown dtype '{s}'."); }
    }

    /// <summary>Reads an integer-list attribute.</summary>
    public int[] GetInts(string name)
    {
        var v = Get(name);
        return v.Kind == OpAttributeKind.Ints ? (int[])v.Ints!.Clone() : throw Wrong(name, "a list of integers", v);
    }

    /// <summary>Reads an optional integer-list attribute (null when written as null).</summary>
    public int[]? GetIntsOrNull(string name) => Get(name).Kind == OpAttributeKind.Null ? null : GetInts(name);

    /// <summary>Reads a shape attribute.</summary>
    public Shape GetShape(string name) => new(GetInts(name));

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _items.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>An op attribute is missing or has the wrong type when re-creating an op (for example from a damaged graph file).</summary>
public sealed class OpAttributeException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public OpAttributeException(string opName, string attribute, string problem)
        : base($"{opName}: attribute '{attribute}' {problem}") { OpName = opName; Attribute = attribute; }

    /// <summary>The op.</summary>
    public string OpName { get; }

    /// <summary>The attribute at fault.</summary>
    public string Attribute { get; }
}
