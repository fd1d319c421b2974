namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>PReLU</c> layer: <c>x</c> for <c>x &gt;= 0</c>, <c>alpha * x</c> below, with a learned <c>alpha</c> of
/// the input's shape without the batch axis (1 along <c>shared_axes</c>, where one slope is shared).
/// </summary>
[Layer(Package = "keras.layers")]
public partial class PReLU
{
    private readonly Initializer alphaInitializer;
    private readonly Regularizer? alphaRegularizer;
    private readonly Constraint? alphaConstraint;
    private readonly int[]? sharedAxes;
    private Variable? alpha;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="alphaInitializer">Default zeros.</param>
    /// <param name="alphaRegularizer">Penalty on alpha.</param>
    /// <param name="alphaConstraint">Constraint on alpha.</param>
    /// <param name="sharedAxes">Axes (counting the batch axis as 0) along which one slope is shared, or null.</param>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null, int[]? sharedAxes = null)
    {
        this.alphaInitializer = alphaInitializer ?? Initializers.Zeros();
        this.alphaRegularizer = alphaRegularizer;
        this.alphaConstraint = alphaConstraint;
        this.sharedAxes = sharedAxes is null ? null : [.. sharedAxes];
        InputSpec = null;
    }

    /// <summary>The slopes, once built.</summary>
    public Variable? Alpha => alpha;

    /// <summary>Creates alpha: the input shape without the batch axis, 1 along the shared axes.</summary>
    protected void Build(Shape inputShape)
    {
        int rank = inputShape.Rank;
        var dims = new int[rank - 1];
        for (int i = 1; i < rank; i++) dims[i - 1] = inputShape[i];
        if (sharedAxes is not null)
            foreach (int a in sharedAxes)
            {
                int k = a < 0 ? a + rank : a;
                if (k < 1 || k >= rank)
                    throw new ArgumentException($"PReLU: shared axis {a} is out of range for an input of shape {inputShape} (axis 0 is the batch axis).");
                dims[k - 1] = 1;
            }
        for (int i = 0; i < dims.Length; i++)
            if (dims[i] == Shape.Unknown)
                throw new ArgumentException($"PReLU: axis {i + 1} of input shape {inputShape} must be known (or listed in shared_axes).");
        alpha = AddWeight("alpha", new Shape(dims), alphaInitializer, regularizer: alphaRegularizer, constraint: alphaConstraint);
        var axes = new Dictionary<int, int>();
        if (sharedAxes is { Length: > 0 })
            for (int i = 1; i < rank; i++)
                if (Array.IndexOf(sharedAxes, i) < 0 && Array.IndexOf(sharedAxes, i - rank) < 0) axes[i] = inputShape[i];
        InputSpec = new InputSpec(ndim: rank, axes: axes);
    }

    /// <summary><c>relu(x) - alpha * relu(-x)</c>.</summary>
    protected Tensor Call(Tensor inputs)
        => Ops.Sub(Ops.Relu(inputs), Ops.Mul(alpha!, Ops.Relu(Ops.Neg(inputs))));
}
