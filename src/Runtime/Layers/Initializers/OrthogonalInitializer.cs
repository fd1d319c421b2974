namespace LayerGen.Layers;

/// <summary>A random orthogonal matrix (<c>keras.initializers.Orthogonal</c>, Keras's class <c>Orthogonal</c>; <c>OrthogonalInitializer</c> is an alias).</summary>
[KerasSerializable("orthogonal", "OrthogonalInitializer", Package = "keras.initializers", ClassName = "Orthogonal")]
public sealed partial class OrthogonalInitializer(double gain = 1.0, long? seed = null) : Initializer
{
    /// <summary>The gain.</summary>
    public double Gain { get; } = gain;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;

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

}
