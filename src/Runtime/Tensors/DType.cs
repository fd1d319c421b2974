namespace LayerGen.Tensors;

/// <summary>The element type of a <see cref="Tensor"/>. Names follow TensorFlow and Keras.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default.</summary>
    Float32,
    /// <summary>64-bit IEEE float.</summary>
    Float64,
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>64-bit signed integer.</summary>
    Int64,
    /// <summary>Boolean.</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypes
{
    /// <summary>The name Keras and TensorFlow use: <c>float32</c>, <c>int64</c>, <c>bool</c>...</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>Parses a Keras/TensorFlow dtype name (<c>float32</c>, <c>float</c>, <c>double</c>, ...).</summary>
    public static DType Parse(string name) => name switch
    {
        "float32" or "float" => DType.Float32,
        "float64" or "double" => DType.Float64,
        "int32" or "int" => DType.Int32,
        "int64" or "long" => DType.Int64,
        "bool" => DType.Bool,
        _ => throw new ArgumentException($"Unknown dtype \"{name}\". Known: float32, float64, int32, int64, bool.", nameof(name)),
    };

    /// <summary>Size of one element in bytes.</summary>
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>True for float32 and float64.</summary>
    public static bool IsFloating(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>True for int32 and int64.</summary>
    public static bool IsInteger(this DType dtype) => dtype is DType.Int32 or DType.Int64;

    /// <summary>The CLR element type used to store values of this dtype.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"Type {typeof(T).Name} is not a LayerGen dtype. Use float, double, int, long or bool.");
    }
}
