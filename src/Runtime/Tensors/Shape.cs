using System.Runtime.CompilerServices;
using System.Text;

namespace LayerGen.Tensors;

/// <summary>
/// The shape of a tensor: its rank and the size of each dimension. A dimension may be unknown
/// (<see cref="Unknown"/>, printed <c>None</c> as in Keras) in symbolic shapes, such as the batch
/// dimension of <c>Keras.Input</c>. Write shapes as collection expressions: <c>[batch, 3]</c>.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public readonly struct Shape : IEquatable<Shape>, IEnumerable<int>
{
    /// <summary>The value of an unknown dimension.</summary>
    public const int Unknown = -1;

    private readonly int[]? _dims;

    /// <summary>Creates a shape from dimension sizes; -1 means unknown.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d < Unknown)
                throw new ArgumentException($"Shape dimensions must be non-negative or -1 (unknown), got ({string.Join(", ", dims)}).", nameof(dims));
        }
        _dims = dims.Length == 0 ? null : (int[])dims.Clone();
    }

    private Shape(int[]? dims, bool _) => _dims = dims is { Length: 0 } ? null : dims;

    /// <summary>Builds a shape from a span (used by collection expressions).</summary>
    public static Shape Create(ReadOnlySpan<int> dims) => new(dims.ToArray());

    internal static Shape FromOwned(int[] dims) => new(dims, false);

    /// <summary>The shape of a scalar: rank 0.</summary>
    public static Shape Scalar => default;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Size of dimension <paramref name="axis"/> (negative axes count from the end).</summary>
    public int this[int axis] => _dims is null
        ? throw new IndexOutOfRangeException($"Axis {axis} is out of range for a scalar shape ().")
        : _dims[NormalizeAxis(axis)];

    /// <summary>Size of a dimension addressed with an index from the end, e.g. <c>shape[^1]</c>.</summary>
    public int this[Index axis] => this[axis.IsFromEnd ? -axis.Value : axis.Value];

    /// <summary>The dimensions in a sub-range, as a shape.</summary>
    public Shape this[Range range]
    {
        get
        {
            var (offset, length) = range.GetOffsetAndLength(Rank);
            return FromOwned(Dims.Slice(offset, length).ToArray());
        }
    }

    /// <summary>The dimension sizes.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>A copy of the dimension sizes.</summary>
    public int[] ToArray() => _dims is null ? [] : (int[])_dims.Clone();

    /// <summary>True when no dimension is unknown.</summary>
    public bool IsFullyDefined
    {
        get
        {
            foreach (var d in Dims) if (d == Unknown) return false;
            return true;
        }
    }

    /// <summary>Number of elements; throws for shapes with unknown dimensions.</summary>
    public int Size
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                if (d == Unknown) throw new InvalidOperationException($"Shape {this} has unknown dimensions: it has no element count.");
                n *= d;
                if (n > Array.MaxLength) throw new OverflowException($"Shape {this} has more than {Array.MaxLength} elements.");
            }
            return (int)n;
        }
    }

    /// <summary>Turns a possibly negative axis into one in [0, rank).</summary>
    public int NormalizeAxis(int axis)
    {
        int r = Rank;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new IndexOutOfRangeException($"Axis {axis} is out of range for shape {this} of rank {r}.");
        return a;
    }

    /// <summary>Row-major strides (in elements).</summary>
    internal int[] Strides()
    {
        var s = new int[Rank];
        int acc = 1;
        for (int i = Rank - 1; i >= 0; i--) { s[i] = acc; acc *= _dims![i]; }
        return s;
    }

    /// <summary>True when two shapes agree wherever both are known.</summary>
    public bool IsCompatibleWith(Shape other)
    {
        if (Rank != other.Rank) return false;
        for (int i = 0; i < Rank; i++)
        {
            int a = _dims![i], b = other._dims![i];
            if (a != Unknown && b != Unknown && a != b) return false;
        }
        return true;
    }

    /// <summary>A new shape with <paramref name="dim"/> appended.</summary>
    public Shape Append(int dim) { var d = new int[Rank + 1]; Dims.CopyTo(d); d[^1] = dim; return FromOwned(d); }

    /// <summary>A new shape with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int dim) { var d = ToArray(); d[NormalizeAxis(axis)] = dim; return FromOwned(d); }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }
    /// <summary>Equality of every dimension (unknown equals unknown).</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    /// <summary>Inequality.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Converts an array of dimension sizes.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Keras-style text: <c>(None, 3)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public override string ToString()
    {
        if (Rank == 0) return "()";
        var sb = new StringBuilder("(");
        for (int i = 0; i < Rank; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_dims![i] == Unknown ? "None" : _dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (Rank == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    /// <summary>List-style text: <c>[3, 3]</c>, as checkpoint listings print it.</summary>
    public string ToListString() => "[" + string.Join(", ", ToArray()) + "]";

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)ToArray()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
