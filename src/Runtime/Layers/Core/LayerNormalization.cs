namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>LayerNormalization</c>: normalizes each sample over <c>axis</c> (default the last) with its own mean
/// and variance — the same in training and inference — then scales by <c>gamma</c> and shifts by <c>beta</c>.
/// With <c>rmsScaling</c> it divides by the root mean square instead (no centering).
/// </summary>
[Layer(Package = "keras.layers")]
public partial class LayerNormalization
{
    private readonly int axis;
    private readonly double epsilon;
    private readonly bool center;
    private readonly bool scale;
    private readonly bool rmsScaling;
    private readonly Initializer betaInitializer;
    private readonly Initializer gammaInitializer;
    private readonly Regularizer? betaRegularizer;
    private readonly Regularizer? gammaRegularizer;
    private readonly Constraint? betaConstraint;
    private readonly Constraint? gammaConstraint;
    private Variable? gamma;
    private Variable? beta;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="axis">The axis normalized over.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Whether to add <c>beta</c>.</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c>.</param>
    /// <param name="rmsScaling">Divide by the root mean square (RMSNorm) instead of centering and scaling by the variance.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="betaRegularizer">Penalty on beta.</param>
    /// <param name="gammaRegularizer">Penalty on gamma.</param>
    /// <param name="betaConstraint">Constraint on beta.</param>
    /// <param name="gammaConstraint">Constraint on gamma.</param>
    public LayerNormalization(int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true, bool rmsScaling = false,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null)
    {
        this.axis = axis;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.rmsScaling = rmsScaling;
        this.betaInitializer = betaInitializer ?? Initializers.Zeros();
        this.gammaInitializer = gammaInitializer ?? Initializers.Ones();
        this.betaRegularizer = betaRegularizer;
        this.gammaRegularizer = gammaRegularizer;
        this.betaConstraint = betaConstraint;
        this.gammaConstraint = gammaConstraint;
        InputSpec = null;
    }

    /// <summary>gamma, once built (null without scale).</summary>
    public Variable? Gamma => gamma;

    /// <summary>beta, once built (null without center).</summary>
    public Variable? Beta => beta;

    private int Axis(int rank) => axis < 0 ? axis + rank : axis;

    /// <summary>Creates gamma and beta over the normalized axis.</summary>
    protected void Build(Shape inputShape)
    {
        int a = Axis(inputShape.Rank);
        if (a < 0 || a >= inputShape.Rank || inputShape[a] == Shape.Unknown)
            throw new ArgumentException($"LayerNormalization: axis {axis} of input shape {inputShape} must exist and be known.");
        Shape s = [inputShape[a]];
        if (scale) gamma = AddWeight("gamma", s, gammaInitializer, regularizer: gammaRegularizer, constraint: gammaConstraint);
        if (center) beta = AddWeight("beta", s, betaInitializer, regularizer: betaRegularizer, constraint: betaConstraint);
    }

    /// <summary>Normalizes each sample over the axis.</summary>
    protected Tensor Call(Tensor inputs)
    {
        int rank = inputs.Rank, a = Axis(rank);
        var broadcast = new int[rank];
        for (int i = 0; i < rank; i++) broadcast[i] = i == a ? inputs.Shape[a] : 1;
        Tensor B(Tensor t) => a == rank - 1 ? t : Ops.Reshape(t, new Shape(broadcast));
        var eps = Tensor.Scalar(epsilon, inputs.DType);
        var one = Tensor.Scalar(1.0, inputs.DType);
        if (rmsScaling)
        {
            var inv = Ops.Div(one, Ops.Sqrt(Ops.Add(Ops.Mean(Ops.Square(inputs), a, keepDims: true), eps)));
            var y = Ops.Mul(inputs, inv);
            return gamma is null ? y : Ops.Mul(y, B(gamma));
        }
        var mean = Ops.Mean(inputs, a, keepDims: true);
        var variance = Ops.Variance(inputs, a, keepDims: true);
        var invStd = Ops.Div(one, Ops.Sqrt(Ops.Add(variance, eps)));
        var scaled = gamma is null ? invStd : Ops.Mul(invStd, B(gamma));
        var res = Ops.Neg(Ops.Mul(mean, scaled));
        if (beta is not null) res = Ops.Add(res, B(beta));
        return Ops.Add(Ops.Mul(inputs, scaled), res);
    }
}
