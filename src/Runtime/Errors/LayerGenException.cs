namespace LayerGen;

/// <summary>Base class of every exception LayerGen throws on purpose.</summary>
public class LayerGenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LayerGenException(string message) : base(message) { }
    /// <summary>Creates the exception with an inner cause.</summary>
    public LayerGenException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// An op was given inputs whose shapes do not fit together. The message names the op and the shapes,
/// e.g. <c>MatMul: inner dimensions differ: (2, 3) @ (4, 5)</c>.
/// </summary>
public class ShapeMismatchException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public ShapeMismatchException(string op, string message, params Shape[] shapes)
        : base($"{op}: {message}") { Op = op; Shapes = shapes; }

    /// <summary>The op that refused its inputs.</summary>
    public string Op { get; }
    /// <summary>The shapes involved.</summary>
    public IReadOnlyList<Shape> Shapes { get; }
}

/// <summary>An op was given a dtype it does not support, or inputs of different dtypes.</summary>
public class DTypeMismatchException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public DTypeMismatchException(string op, string message) : base($"{op}: {message}") { Op = op; }
    /// <summary>The op that refused its inputs.</summary>
    public string Op { get; }
}
