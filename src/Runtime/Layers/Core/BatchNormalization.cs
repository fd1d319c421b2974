namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BatchNormalization</c>: normalizes along <c>axis</c> with the batch's mean and variance in training
/// (and updates the non-trainable <c>moving_mean</c> / <c>moving_variance</c>:
/// <c>moving = moving * momentum + batch * (1 - momentum)</c>), with the moving statistics at inference; then
/// scales by <c>gamma</c> and shifts by <c>beta</c>. Keras defaults: momentum 0.99, epsilon 1e-3.
/// Weights in Keras's order: gamma, beta, moving_mean, moving_variance.
/// <para>
/// <c>synchronized: true</c> (Keras's argument; TensorFlow's <c>SyncBatchNormalization</c>): under data-parallel
/// training (<c>LayerGen.Distributed.DataParallel</c>, see <see cref="ReplicaContext"/>) the batch mean and variance are
/// those of the global batch, from one cross-replica sum of each rank's per-feature sum, sum of squares and row count
/// (<c>var = E[x^2] - E[x]^2</c>, clipped at 0, as Keras's TensorFlow backend computes it), with the matching
/// gradient; the moving statistics are then identical on every rank. In one process it is the plain layer. Without
/// it, each rank normalises with its own rows' statistics and keeps its own moving statistics.
/// </para>
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
    /// <param name="synchronized">Under data-parallel training, compute the batch statistics over the global batch (all ranks); see the class remarks.</param>
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
        // Eager calls and traced calls (TraceScope: a TensorFunction, a plan) update the moving statistics, the traced
        // ones as AssignVariable ops that run with every run of the graph; a functional model being wired from
        // Keras.Input (symbolic, not traced) updates nothing.
        if (training && Trainable && (!inputs.IsSymbolic || TraceScope.IsActive))
        {
            if (synchronized && ReplicaContext.IsDistributed) (mean, variance) = GlobalMoments(inputs, a, reduction);
            else
            {
                mean = Ops.Mean(inputs, reduction);
                variance = Ops.Variance(inputs, reduction);
            }
            var m = Tensor.Scalar(momentum, inputs.DType);
            var oneMinus = Tensor.Scalar(1 - momentum, inputs.DType);
            Ops.AssignVariable(movingMean!, Ops.Add(Ops.Mul(movingMean!, m), Ops.Mul(Ops.StopGradient(mean), oneMinus)));
            Ops.AssignVariable(movingVariance!, Ops.Add(Ops.Mul(movingVariance!, m), Ops.Mul(Ops.StopGradient(variance), oneMinus)));
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

    /// <summary>
    /// The mean and variance over the global batch of a data-parallel job: this rank's per-feature sums, sums of
    /// squares and row count, packed into one tensor and summed over all ranks by one <see cref="Ops.CrossReplicaSum"/>.
    /// </summary>
    private static (Tensor Mean, Tensor Variance) GlobalMoments(Tensor inputs, int featureAxis, int[] reduction)
    {
        int features = inputs.Shape[featureAxis];
        foreach (int d in inputs.Shape.ToArray())
            if (d == Shape.Unknown)
                throw new ArgumentException($"BatchNormalization(synchronized=True) needs a fully known input shape in training, got {inputs.Shape}.");
        var count = Tensor.Full([1], inputs.Shape.Size / Math.Max(1, features), inputs.DType);
        var local = Ops.Concat([Ops.Sum(inputs, reduction), Ops.Sum(Ops.Square(inputs), reduction), count], 0);
        var total = Ops.CrossReplicaSum(local);
        var n = Ops.Slice(total, [2 * features], [1]);
        var mean = Ops.Div(Ops.Slice(total, [0], [features]), n);
        var meanOfSquares = Ops.Div(Ops.Slice(total, [features], [features]), n);
        var variance = Ops.Maximum(Ops.Sub(meanOfSquares, Ops.Square(mean)), Tensor.Scalar(0.0, inputs.DType));
        return (mean, variance);
    }
}
