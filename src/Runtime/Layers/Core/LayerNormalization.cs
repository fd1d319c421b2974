using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>LayerNormalization</c>: normalizes each sample over <c>axis</c> (default the last) with its own mean
/// and variance — the same in training and inference — then scales by <c>gamma</c> and shifts by <c>beta</c>.
/// With <c>rmsScaling</c> it divides by the root mean square instead (no centering). <c>axis</c> may name several
/// axes (Keras's list or tuple form); gamma and beta then span all of them. The config holds the axes as a list,
/// as Keras writes it once built (<c>"axis": [-1]</c>), and reads an integer or a list.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class LayerNormalization
{
    private readonly int[] axis;
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

    /// <summary>Creates the layer over one axis (Keras 3's arguments and defaults).</summary>
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
        : this([axis], epsilon, center, scale, rmsScaling, betaInitializer, gammaInitializer, betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint)
    {
    }

    /// <summary>Creates the layer over one or more axes (Keras 3's arguments and defaults).</summary>
    /// <param name="axis">The axes normalized over (at least one; negative counts from the end).</param>
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
    [ConfigConstructor]
    public LayerNormalization(int[] axis, double epsilon = 1e-3, bool center = true, bool scale = true, bool rmsScaling = false,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0) throw new ArgumentException("LayerNormalization needs at least one axis.", nameof(axis));
        this.axis = [.. axis];
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

    /// <summary>The axes normalized over, as given (negative counts from the end).</summary>
    public IReadOnlyList<int> Axes => axis;

    /// <summary>
    /// Creates the layer from its config: <c>axis</c> as an integer or a list (Keras writes <c>[-1]</c> once
    /// built); the other keys as <see cref="GetConfig"/> writes them.
    /// </summary>
    public static LayerNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "LayerNormalization";
        var layer = new LayerNormalization(
            axis: Config.ReadAxes(config, "axis", cls, [-1]),
            epsilon: Config.ReadDouble(config, "epsilon", cls, 1e-3),
            center: Config.ReadBoolean(config, "center", cls, true),
            scale: Config.ReadBoolean(config, "scale", cls, true),
            rmsScaling: Config.ReadBoolean(config, "rms_scaling", cls, false),
            betaInitializer: Config.ReadInitializer(config, "beta_initializer", cls),
            gammaInitializer: Config.ReadInitializer(config, "gamma_initializer", cls),
            betaRegularizer: Config.ReadRegularizer(config, "beta_regularizer", cls),
            gammaRegularizer: Config.ReadRegularizer(config, "gamma_regularizer", cls),
            betaConstraint: Config.ReadConstraint(config, "beta_constraint", cls),
            gammaConstraint: Config.ReadConstraint(config, "gamma_constraint", cls))
        {
            Name = Config.ReadName(config, cls),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>The normalized axes for an input of rank <paramref name="rank"/>: non-negative, sorted, checked.</summary>
    private int[] NormalizedAxes(int rank)
    {
        var axes = new int[axis.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axis[i] < 0 ? axis[i] + rank : axis[i];
            if (a < 0 || a >= rank)
                throw new ArgumentException($"LayerNormalization: axis {axis[i]} is out of bounds for an input of rank {rank} (axis=[{string.Join(", ", axis)}]).");
            axes[i] = a;
        }
        Array.Sort(axes);
        for (int i = 1; i < axes.Length; i++)
            if (axes[i] == axes[i - 1])
                throw new ArgumentException($"LayerNormalization: axis=[{string.Join(", ", axis)}] names axis {axes[i]} twice.");
        return axes;
    }

    /// <summary>Creates gamma and beta over the normalized axes.</summary>
    protected void Build(Shape inputShape)
    {
        var axes = NormalizedAxes(inputShape.Rank);
        var dims = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            dims[i] = inputShape[axes[i]];
            if (dims[i] == Shape.Unknown)
                throw new ArgumentException($"LayerNormalization: axis {axes[i]} of input shape {inputShape} must be known.");
        }
        Shape s = new(dims);
        if (scale) gamma = AddWeight("gamma", s, gammaInitializer, regularizer: gammaRegularizer, constraint: gammaConstraint);
        if (center) beta = AddWeight("beta", s, betaInitializer, regularizer: betaRegularizer, constraint: betaConstraint);
    }

    /// <summary>Normalizes each sample over the axes.</summary>
    protected Tensor Call(Tensor inputs)
    {
        int rank = inputs.Rank;
        var axes = NormalizedAxes(rank);
        bool lastOnly = axes is [var only] && only == rank - 1;
        var broadcast = new int[rank];
        for (int i = 0; i < rank; i++) broadcast[i] = Array.IndexOf(axes, i) >= 0 ? inputs.Shape[i] : 1;
        Tensor B(Tensor t) => lastOnly ? t : Ops.Reshape(t, new Shape(broadcast));
        var eps = Tensor.Scalar(epsilon, inputs.DType);
        var one = Tensor.Scalar(1.0, inputs.DType);
        if (rmsScaling)
        {
            var inv = Ops.Div(one, Ops.Sqrt(Ops.Add(Ops.Mean(Ops.Square(inputs), axes, keepDims: true), eps)));
            var y = Ops.Mul(inputs, inv);
            return gamma is null ? y : Ops.Mul(y, B(gamma));
        }
        // The common case (last axis, gamma and beta) as one fused op: same function, one pass per row.
        if (lastOnly && gamma is not null && beta is not null && inputs.DType.IsFloating())
            return Ops.LayerNorm(inputs, gamma, beta, epsilon);
        var mean = Ops.Mean(inputs, axes, keepDims: true);
        var variance = Ops.Variance(inputs, axes, keepDims: true);
        var invStd = Ops.Div(one, Ops.Sqrt(Ops.Add(variance, eps)));
        var scaled = gamma is null ? invStd : Ops.Mul(invStd, B(gamma));
        var res = Ops.Neg(Ops.Mul(mean, scaled));
        if (beta is not null) res = Ops.Add(res, B(beta));
        return Ops.Add(Ops.Mul(inputs, scaled), res);
    }
}
