namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BatchNormalization</c>: normalizes along <c>axis</c> with the batch's mean and variance in training
/// (and updates the non-trainable <c>moving_mean</c> / <c>moving_variance</c>:
/// <c>moving = moving * momentum + batch * (1 - momentum)</c>), with the moving statistics at inference; then
/// scales by <c>gamma</c> and shifts by <c>beta</c>. Keras defaults: momentum 0.99, epsilon 1e-3.
/// Weights in Keras's order: gamma, beta, moving_mean, moving_variance.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class BatchNormalization
{
    private readonly int axis;
    private readonly double momentum;
    private readonly double epsilon;
    private readonly bool center;
    private readonly bool scale;
    private readonly Initializer betaInitializer;
    private readonly Initializer gammaInitializer;
    private readonly Initializer movingMeanInitializer;
    private readonly Initializer movingVarianceInitializer;
    private readonly Regularizer? betaRegularizer;
    private readonly Regularizer? gammaRegularizer;
    private readonly Constraint? betaConstraint;
    private readonly Constraint? gammaConstraint;
    private readonly bool synchronized;
    private Variable? gamma;
    private Variable? beta;
    private Variable? movingMean;
    private Variable? movingVariance;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="axis">The feature axis (normalized per feature).</param>
    /// <param name="momentum">Momentum of the moving statistics.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Whether to add <c>beta</c>.</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c>.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="movingMeanInitializer">Default zeros.</param>
    /// <param name="movingVarianceInitializer">Default ones.</param>
    /// <param name="betaRegularizer">Penalty on beta.</param>
    /// <param name="gammaRegularizer">Penalty on gamma.</param>
    /// <param name="betaConstraint">Constraint on beta.</param>
    /// <param name="gammaConstraint">Constraint on gamma.</param>
    /// <param name="synchronized">Kept for config compatibility (one device here).</param>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, bool synchronized = false)
    {
        this.axis = axis;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.betaInitializer = betaInitializer ?? Initializers.Zeros();
        this.gammaInitializer = gammaInitializer ?? Initializers.Ones();
        this.movingMeanInitializer = movingMeanInitializer ?? Initializers.Zeros();
        this.movingVarianceInitializer = movingVarianceInitializer ?? Initializers.Ones();
        this.betaRegularizer = betaRegularizer;
        this.gammaRegularizer = gammaRegularizer;
        this.betaConstraint = betaConstraint;
        this.gammaConstraint = gammaConstraint;
        this.synchronized = synchronized;
    }

    /// <summary>The moving mean (non-trainable), once built.</summary>
    public Variable? MovingMean => movingMean;

    /// <summary>The moving variance (non-trainable), once built.</summary>
    public Variable? MovingVariance => movingVariance;

    /// <summary>gamma, once built (null without scale).</summary>
    public Variable? Gamma => gamma;

    /// <summary>beta, once built (null without center).</summary>
    public Variable? Beta => beta;

    private int Axis(int rank) => axis < 0 ? axis + rank : axis;

    /// <summary>Creates gamma, beta and the moving statistics for the feature axis.</summary>
    protected void Build(Shape inputShape)
    {
        int a = Axis(inputShape.Rank);
        if (a < 0 || a >= inputShape.Rank || inputShape[a] == Shape.Unknown)
            throw new ArgumentException($"BatchNormalization: axis {axis} of input shape {inputShape} must exist and be known.");
        Shape s = [inputShape[a]];
        if (scale) gamma = AddWeight("gamma", s, gammaInitializer, regularizer: gammaRegularizer, constraint: gammaConstraint);
        if (center) beta = AddWeight("beta", s, betaInitializer, regularizer: betaRegularizer, constraint: betaConstraint);
        movingMean = AddWeight("moving_mean", s, movingMeanInitializer, trainable: false);
        movingVariance = AddWeight("moving_variance", s, movingVarianceInitializer, trainable: false);
        InputSpec = new InputSpec(ndim: inputShape.Rank, axes: new Dictionary<int, int> { [a] = inputShape[a] });
    }

    /// <summary>Normalizes with batch statistics when <paramref name="training"/> (updating the moving ones), else with the moving statistics.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        int rank = inputs.Rank, a = Axis(rank);
        var reduction = Enumerable.Range(0, rank).Where(i => i != a).ToArray();
        var broadcast = new int[rank];
        for (int i = 0; i < rank; i++) broadcast[i] = i == a ? inputs.Shape[a] : 1;
        Tensor B(Tensor t) => a == rank - 1 ? t : Ops.Reshape(t, new Shape(broadcast));
        Tensor mean, variance;
        if (training && Trainable && inputs.IsSymbolic) StepTracing.Unsupported($"The moving statistics of BatchNormalization layer \"{Name}\"");
        if (training && Trainable && !inputs.IsSymbolic)
        {
            mean = Ops.Mean(inputs, reduction);
            variance = Ops.Variance(inputs, reduction);
            var m = Tensor.Scalar(momentum, inputs.DType);
            var oneMinus = Tensor.Scalar(1 - momentum, inputs.DType);
            movingMean!.Assign(Ops.Add(Ops.Mul(movingMean.Value(), m), Ops.Mul(Ops.StopGradient(mean), oneMinus)));
            movingVariance!.Assign(Ops.Add(Ops.Mul(movingVariance.Value(), m), Ops.Mul(Ops.StopGradient(variance), oneMinus)));
        }
        else
        {
            mean = movingMean!;
            variance = movingVariance!;
        }
        // Keras's ops.batch_normalization: inv = rsqrt(var + eps) * gamma; x * inv + (beta - mean * inv)
        var inv = Ops.Div(Tensor.Scalar(1.0, inputs.DType), Ops.Sqrt(Ops.Add(variance, Tensor.Scalar(epsilon, inputs.DType))));
        if (gamma is not null) inv = Ops.Mul(inv, gamma);
        var res = Ops.Neg(Ops.Mul(mean, inv));
        if (beta is not null) res = Ops.Add(res, beta);
        return Ops.Add(Ops.Mul(inputs, B(inv)), B(res));
    }
}
