using System.Text.Json.Nodes;

namespace LayerGen;

/// <summary>All zeros (<c>keras.initializers.Zeros</c>).</summary>
public sealed class ZerosInitializer : Initializer
{
    /// <inheritdoc/>
    public override string ClassName => "Zeros";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Zeros(shape, dtype);
    /// <inheritdoc/>
    public override JsonObject GetConfig() => [];
}

/// <summary>All ones (<c>keras.initializers.Ones</c>).</summary>
public sealed class OnesInitializer : Initializer
{
    /// <inheritdoc/>
    public override string ClassName => "Ones";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Ones(shape, dtype);
    /// <inheritdoc/>
    public override JsonObject GetConfig() => [];
}

/// <summary>A constant (<c>keras.initializers.Constant</c>).</summary>
public sealed class ConstantInitializer(double value) : Initializer
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;
    /// <inheritdoc/>
    public override string ClassName => "Constant";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Full(shape, Value, dtype);
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["value"] = Value };
}

/// <summary>Normal values (<c>keras.initializers.RandomNormal</c>).</summary>
public sealed class RandomNormalInitializer(double mean, double stddev, long? seed) : Initializer
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;
    /// <summary>The standard deviation.</summary>
    public double Stddev { get; } = stddev;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override string ClassName => "RandomNormal";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).Normal(shape, Mean, Stddev, dtype); }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = WriteSeed(Seed) };
}

/// <summary>Uniform values (<c>keras.initializers.RandomUniform</c>).</summary>
public sealed class RandomUniformInitializer(double minval, double maxval, long? seed) : Initializer
{
    /// <summary>The lower bound.</summary>
    public double Minval { get; } = minval;
    /// <summary>The upper bound.</summary>
    public double Maxval { get; } = maxval;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override string ClassName => "RandomUniform";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).Uniform(shape, Minval, Maxval, dtype); }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["minval"] = Minval, ["maxval"] = Maxval, ["seed"] = WriteSeed(Seed) };
}

/// <summary>Truncated normal values (<c>keras.initializers.TruncatedNormal</c>).</summary>
public sealed class TruncatedNormalInitializer(double mean, double stddev, long? seed) : Initializer
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;
    /// <summary>The standard deviation before truncation.</summary>
    public double Stddev { get; } = stddev;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override string ClassName => "TruncatedNormal";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).TruncatedNormal(shape, Mean, Stddev, dtype); }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = WriteSeed(Seed) };
}

/// <summary>Identity matrix times a gain (<c>keras.initializers.Identity</c>, class <c>IdentityInitializer</c>).</summary>
public sealed class IdentityInitializer(double gain) : Initializer
{
    /// <summary>The gain.</summary>
    public double Gain { get; } = gain;
    /// <inheritdoc/>
    public override string ClassName => "IdentityInitializer";
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        if (shape.Rank != 2)
            throw new ShapeMismatchException("IdentityInitializer", $"can only be used for 2D matrices. Received: shape={shape} of rank {shape.Rank}.", shape);
        var values = new double[shape.Size];
        for (int i = 0; i < Math.Min(shape[0], shape[1]); i++) values[i * shape[1] + i] = Gain;
        return Tensor.FromDoubles(values, shape, dtype);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["gain"] = Gain };
}

/// <summary>A random orthogonal matrix (<c>keras.initializers.Orthogonal</c>, class <c>OrthogonalInitializer</c>).</summary>
public sealed class OrthogonalInitializer(double gain, long? seed) : Initializer
{
    /// <summary>The gain.</summary>
    public double Gain { get; } = gain;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override string ClassName => "OrthogonalInitializer";

    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ExpectFloating(dtype);
        if (shape.Rank < 2)
            throw new ShapeMismatchException("OrthogonalInitializer", $"the tensor to initialize must be at least two-dimensional. Received: shape={shape} of rank {shape.Rank}.", shape);
        int cols = shape[-1];
        int rows = shape.Size / Math.Max(cols, 1);
        int n = Math.Max(rows, cols), m = Math.Min(rows, cols);
        var a = Generator(Seed).Normal([n, m], 0, 1, DType.Float64).ToArray<double>();
        // Modified Gram-Schmidt QR of the n x m matrix a: q (n x m) with orthonormal columns; the sign
        // of each column follows the diagonal of r, as Keras does (q *= sign(diag(r))).
        var q = new double[n * m];
        for (int j = 0; j < m; j++)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = a[i * m + j];
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i * m + k] * v[i];
                for (int i = 0; i < n; i++) v[i] -= dot * q[i * m + k];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += v[i] * v[i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) q[i * m + j] = norm == 0 ? 0 : v[i] / norm;
        }
        var result = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                result[r * cols + c] = Gain * (rows >= cols ? q[r * m + c] : q[c * m + r]);
        return Tensor.FromDoubles(result, shape, dtype);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["gain"] = Gain, ["seed"] = WriteSeed(Seed) };
}
