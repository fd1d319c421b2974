namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GroupNormalization</c>: splits the channels (<c>axis</c>) into <c>groups</c> and normalizes each sample
/// within each group (over the group's channels and every other non-batch axis) with its own mean and variance, then
/// scales by <c>gamma</c> and shifts by <c>beta</c> (one per channel). <c>groups = 1</c> is close to layer
/// normalization; <c>groups = -1</c> (one group per channel) is instance normalization and is written to the config
/// as the channel count once built, as Keras does.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GroupNormalization
{
    private int groups;
    private readonly int axis;
    private readonly double epsilon;
    private readonly bool center;
    private readonly bool scale;
    private readonly Initializer betaInitializer;
    private readonly Initializer gammaInitializer;
    private readonly Regularizer? betaRegularizer;
    private readonly Regularizer? gammaRegularizer;
    private readonly Constraint? betaConstraint;
    private readonly Constraint? gammaConstraint;
    private Variable? gamma;
    private Variable? beta;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="groups">The number of groups (divides the channel count), or -1 for one group per channel.</param>
    /// <param name="axis">The channel axis.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Whether to add <c>beta</c>.</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c>.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="betaRegularizer">Penalty on beta.</param>
    /// <param name="gammaRegularizer">Penalty on gamma.</param>
    /// <param name="betaConstraint">Constraint on beta.</param>
    /// <param name="gammaConstraint">Constraint on gamma.</param>
    public GroupNormalization(int groups = 32, int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null)
    {
        if (groups <= 0 && groups != -1)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Received an invalid value for argument `groups`, expected a positive integer (or `-1` for instance normalization). Received: groups={groups}");
        this.groups = groups;
        this.axis = axis;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.betaInitializer = betaInitializer ?? Initializers.Zeros();
        this.gammaInitializer = gammaInitializer ?? Initializers.Ones();
        this.betaRegularizer = betaRegularizer;
        this.gammaRegularizer = gammaRegularizer;
        this.betaConstraint = betaConstraint;
        this.gammaConstraint = gammaConstraint;
        InputSpec = null;
    }

    /// <summary>The number of groups (the channel count once built with -1).</summary>
    public int Groups => groups;

    /// <summary>gamma, once built (null without scale).</summary>
    public Variable? Gamma => gamma;

    /// <summary>beta, once built (null without center).</summary>
    public Variable? Beta => beta;

    private int ChannelAxis(Shape shape)
    {
        int a = axis < 0 ? axis + shape.Rank : axis;
        if (a < 1 || a >= shape.Rank)
            throw new ArgumentException($"Axis {axis} is out of bounds for input shape {shape}. Received: axis={axis}");
        return a;
    }

    /// <summary>Checks the groups against the channel count and creates gamma and beta.</summary>
    protected void Build(Shape inputShape)
    {
        int a = ChannelAxis(inputShape);
        int dim = inputShape[a];
        if (dim == Shape.Unknown)
            throw new ArgumentException($"Axis {axis} of input tensor should have a defined dimension but the layer received an input with shape {inputShape}.");
        if (groups == -1) groups = dim;
        if (dim < groups)
            throw new ArgumentException($"Number of groups ({groups}) cannot be more than the number of channels ({dim}).");
        if (dim % groups != 0)
            throw new ArgumentException($"Number of groups ({groups}) must be a multiple of the number of channels ({dim}).");
        InputSpec = new InputSpec(ndim: inputShape.Rank, axes: new Dictionary<int, int> { [a] = dim });
        if (scale) gamma = AddWeight("gamma", new Shape([dim]), gammaInitializer, regularizer: gammaRegularizer, constraint: gammaConstraint);
        if (center) beta = AddWeight("beta", new Shape([dim]), betaInitializer, regularizer: betaRegularizer, constraint: betaConstraint);
    }

    /// <summary>Normalizes each sample within each group of channels.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var shape = inputs.Shape;
        int rank = shape.Rank;
        int a = ChannelAxis(shape);
        int dim = shape[a];
        // (batch, ..., groups, dim / groups, ...): the group axis at a, its channels at a + 1.
        var grouped = new int[rank + 1];
        var broadcast = new int[rank + 1];
        for (int i = 0, j = 0; i < rank; i++, j++)
        {
            if (i == a)
            {
                grouped[j] = groups;
                broadcast[j] = groups;
                j++;
                grouped[j] = dim / groups;
                broadcast[j] = dim / groups;
            }
            else
            {
                grouped[j] = i == 0 ? -1 : shape[i];
                broadcast[j] = 1;
            }
        }
        var x = Ops.Reshape(inputs, new Shape(grouped));
        var reduce = new List<int>();
        for (int j = 1; j <= rank; j++) if (j != a) reduce.Add(j);
        int[] axes = [.. reduce];
        var mean = Ops.Mean(x, axes, keepDims: true);
        var variance = Ops.Variance(x, axes, keepDims: true);
        var dt = inputs.DType;
        var inv = Ops.Div(Tensor.Scalar(1.0, dt), Ops.Sqrt(Ops.Add(variance, Tensor.Scalar(epsilon, dt))));
        if (gamma is not null) inv = Ops.Mul(inv, Ops.Reshape(gamma, new Shape(broadcast)));
        var res = Ops.Neg(Ops.Mul(mean, inv));
        if (beta is not null) res = Ops.Add(res, Ops.Reshape(beta, new Shape(broadcast)));
        var normalized = Ops.Add(Ops.Mul(x, inv), res);
        var back = new int[rank];
        for (int i = 0; i < rank; i++) back[i] = i == 0 ? -1 : shape[i];
        return Ops.Reshape(normalized, new Shape(back));
    }
}
