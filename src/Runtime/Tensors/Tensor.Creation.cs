using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Tensors;

public partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) => Empty(CheckConcrete(shape, "Zeros"), dtype);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>A tensor filled with one value (converted to <paramref name="dtype"/>).</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(CheckConcrete(shape, "Full"), dtype);
        switch (dtype)
        {
            case DType.Float32: t.Data<float>().Fill((float)value); break;
            case DType.Float64: t.Data<double>().Fill(value); break;
            case DType.Int32: t.Data<int>().Fill(checked((int)value)); break;
            case DType.Int64: t.Data<long>().Fill(checked((long)value)); break;
            case DType.Bool: t.Data<bool>().Fill(value != 0); break;
        }
        return t;
    }

    /// <summary>A tensor of zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Zeros(like.Shape, like.DType);

    /// <summary>A tensor of ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Ones(like.Shape, like.DType);

    /// <summary>A rank-0 float32 tensor.</summary>
    public static Tensor Scalar(float value) => Wrap(new[] { value }, Shape.Scalar);
    /// <summary>A rank-0 float64 tensor.</summary>
    public static Tensor Scalar(double value) => Wrap(new[] { value }, Shape.Scalar);
    /// <summary>A rank-0 int32 tensor.</summary>
    public static Tensor Scalar(int value) => Wrap(new[] { value }, Shape.Scalar);
    /// <summary>A rank-0 int64 tensor.</summary>
    public static Tensor Scalar(long value) => Wrap(new[] { value }, Shape.Scalar);
    /// <summary>A rank-0 bool tensor.</summary>
    public static Tensor Scalar(bool value) => Wrap(new[] { value }, Shape.Scalar);

    /// <summary>A rank-0 tensor of <paramref name="dtype"/> holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype) => Full(Shape.Scalar, value, dtype);

    /// <summary>A rank-1 tensor copied from an array.</summary>
    public static Tensor From<T>(T[] values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        return Wrap((T[])values.Clone(), [values.Length]);
    }

    /// <summary>A tensor of <paramref name="shape"/> copied from a span of row-major values.</summary>
    public static Tensor From<T>(ReadOnlySpan<T> values, Shape shape) where T : unmanaged
    {
        CheckConcrete(shape, "From");
        if (values.Length != shape.Size)
            throw new ShapeMismatchException("From", $"{values.Length} values cannot fill shape {shape}, which needs {shape.Size}.", shape);
        return Wrap(values.ToArray(), shape);
    }

    /// <summary>A tensor copied from a 2-D array.</summary>
    public static Tensor From<T>(T[,] values) where T : unmanaged => FromMultiDim<T>(values);
    /// <summary>A tensor copied from a 3-D array.</summary>
    public static Tensor From<T>(T[,,] values) where T : unmanaged => FromMultiDim<T>(values);
    /// <summary>A tensor copied from a 4-D array.</summary>
    public static Tensor From<T>(T[,,,] values) where T : unmanaged => FromMultiDim<T>(values);

    private static Tensor FromMultiDim<T>(Array values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var dims = new int[values.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = values.GetLength(i);
        var span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(values)), values.Length);
        return Wrap(span.ToArray(), Shape.FromOwned(dims));
    }

    /// <summary>Values from <paramref name="start"/> up to (not including) <paramref name="limit"/> by <paramref name="delta"/>, like <c>tf.range</c>.</summary>
    public static Tensor Range(double start, double limit, double delta = 1, DType dtype = DType.Float32)
    {
        if (delta == 0) throw new ArgumentException("Range: delta must not be zero.", nameof(delta));
        int n = Math.Max(0, (int)Math.Ceiling((limit - start) / delta));
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = start + i * delta;
        return FromDoubles(values, [n], dtype);
    }

    /// <summary>Integers 0, 1, ..., <paramref name="limit"/> - 1 as int32.</summary>
    public static Tensor Range(int limit) => Range(0, limit, 1, DType.Int32);

    /// <summary><paramref name="num"/> evenly spaced values from <paramref name="start"/> to <paramref name="stop"/> inclusive.</summary>
    public static Tensor Linspace(double start, double stop, int num, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var values = new double[num];
        for (int i = 0; i < num; i++) values[i] = num == 1 ? start : start + (stop - start) * i / (num - 1);
        return FromDoubles(values, [num], dtype);
    }

    /// <summary>An identity matrix (<paramref name="rows"/> x <paramref name="columns"/>, square by default).</summary>
    public static Tensor Eye(int rows, int? columns = null, DType dtype = DType.Float32)
    {
        int c = columns ?? rows;
        var values = new double[rows * c];
        for (int i = 0; i < Math.Min(rows, c); i++) values[i * c + i] = 1;
        return FromDoubles(values, [rows, c], dtype);
    }

    internal static Tensor FromDoubles(double[] values, Shape shape, DType dtype)
    {
        var t = Wrap(values, shape);
        return dtype == DType.Float64 ? t : Ops.Cast(t, dtype);
    }

    /// <summary>Normally distributed values (mean, stddev), seeded by the global seed unless a generator is given.</summary>
    public static Tensor RandomNormal(Shape shape, double mean = 0, double stddev = 1, DType dtype = DType.Float32, RandomGenerator? generator = null)
        => (generator ?? RandomGenerator.Global).Normal(shape, mean, stddev, dtype);

    /// <summary>Uniformly distributed values in [minval, maxval).</summary>
    public static Tensor RandomUniform(Shape shape, double minval = 0, double maxval = 1, DType dtype = DType.Float32, RandomGenerator? generator = null)
        => (generator ?? RandomGenerator.Global).Uniform(shape, minval, maxval, dtype);

    /// <summary>Normal values redrawn when more than two standard deviations from the mean, like <c>tf.random.truncated_normal</c>.</summary>
    public static Tensor TruncatedNormal(Shape shape, double mean = 0, double stddev = 1, DType dtype = DType.Float32, RandomGenerator? generator = null)
        => (generator ?? RandomGenerator.Global).TruncatedNormal(shape, mean, stddev, dtype);

    internal static Shape CheckConcrete(Shape shape, string op)
    {
        if (!shape.IsFullyDefined)
            throw new ShapeMismatchException(op, $"shape {shape} has unknown dimensions; a concrete tensor needs every dimension.", shape);
        _ = shape.Size;
        return shape;
    }
}
