using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>
/// Stochastic gradient descent, with optional momentum and Nesterov momentum (Keras 3's <c>SGD</c>):
/// <c>w -= lr * g</c>; with momentum <c>m = momentum * m - lr * g</c>, then <c>w += m</c>
/// (Nesterov: <c>w += momentum * m - lr * g</c>).
/// </summary>
public sealed class SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, LearningRateSchedule? schedule = null,
    double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "SGD")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>The momentum factor (0: plain SGD).</summary>
    public double Momentum { get; } = momentum is >= 0 and <= 1 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "`momentum` must be a float between [0, 1].");
    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; } = nesterov;
    /// <inheritdoc/>
    public override string ClassName => "SGD";
    /// <inheritdoc/>
    protected override void BuildSlots() { if (Momentum != 0) AddSlots("momentum"); }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        var w = Values(variable);
        if (Momentum == 0)
        {
            SubtractScaled(w, gradient, learningRate);
            return;
        }
        UpdateLanes.Run(new MomentumRule(learningRate, F(Momentum), Nesterov), gradient, w, Values(Slots("momentum")[index]));
        Touch(Slots("momentum")[index]);
    }

    /// <summary><c>m = -g lr + m momentum</c>; <c>w += m</c> (Nesterov: <c>w += -g lr + m momentum</c>). s0: momentum.</summary>
    private readonly struct MomentumRule(float lr, float momentum, bool nesterov) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> m, ref Vector<float> unused1, ref Vector<float> unused2)
        {
            m = -g * lr + m * momentum;
            w += nesterov ? -g * lr + m * momentum : m;
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["nesterov"] = Nesterov;
        return c;
    }
}

/// <summary>
/// Adam (Keras 3): <c>m += (g - m)(1 - beta_1)</c>, <c>v += (g² - v)(1 - beta_2)</c>,
/// <c>w -= m * alpha / (sqrt(v) + epsilon)</c> with <c>alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)</c>;
/// with <c>amsgrad</c>, <c>v</c> is replaced by its running maximum.
/// </summary>
public class Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
    LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adam")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; } = beta1;
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; } = beta2;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; } = epsilon;
    /// <summary>Whether to use the AMSGrad variant.</summary>
    public bool Amsgrad { get; } = amsgrad;
    /// <inheritdoc/>
    public override string ClassName => "Adam";
    /// <inheritdoc/>
    protected override void BuildSlots()
    {
        AddInterleavedSlots("momentum", "velocity");
        if (Amsgrad) AddSlots("velocity_hat");
    }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float localStep = iterations + 1;
        float b1p = MathF.Pow(F(Beta1), localStep), b2p = MathF.Pow(F(Beta2), localStep);
        float alpha = learningRate * MathF.Sqrt(1 - b2p) / (1 - b1p);
        float c1 = F(1 - Beta1), c2 = F(1 - Beta2), eps = F(Epsilon);
        var mv = Slots("momentum")[index];
        var vv = Slots("velocity")[index];
        UpdateLanes.Run(new AdamRule(c1, c2, alpha, eps, Amsgrad), gradient, Values(variable), Values(mv), Values(vv),
            Amsgrad ? Values(Slots("velocity_hat")[index]) : default);
        Touch(mv);
        Touch(vv);
        if (Amsgrad) Touch(Slots("velocity_hat")[index]);
    }

    /// <summary>
    /// <c>m += (g - m) c1</c>; <c>v += (g² - v) c2</c>; (AMSGrad: <c>v̂ = max(v̂, v)</c> replaces v below);
    /// <c>w -= m alpha / (sqrt(v) + eps)</c>. s0: momentum, s1: velocity, s2: velocity_hat.
    /// </summary>
    private readonly struct AdamRule(float c1, float c2, float alpha, float eps, bool amsgrad) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> m, ref Vector<float> v, ref Vector<float> vHat)
        {
            m += (g - m) * c1;
            v += (g * g - v) * c2;
            var denominator = v;
            if (amsgrad) { vHat = Vector.Max(vHat, v); denominator = vHat; }
            w -= m * alpha / (Vector.SquareRoot(denominator) + new Vector<float>(eps));
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        c["amsgrad"] = Amsgrad;
        return c;
    }
}

/// <summary>Adam with decoupled weight decay (Keras 3's <c>AdamW</c>, default <c>weight_decay</c> 0.004).</summary>
public sealed class AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
    LearningRateSchedule? schedule = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
    : Adam(learningRate, beta1, beta2, epsilon, amsgrad, schedule, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc/>
    public override string ClassName => "AdamW";
}

/// <summary>
/// RMSprop (Keras 3): <c>v = rho v + (1 - rho) g²</c>; <c>w -= lr g / sqrt(v + epsilon)</c> (centered: the
/// denominator is <c>v - mean_g² + epsilon</c>); with momentum the increment accumulates first.
/// </summary>
public sealed class RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
    LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "rmsprop")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>Discount of the squared-gradient average.</summary>
    public double Rho { get; } = rho;
    /// <summary>Momentum (0: none).</summary>
    public double Momentum { get; } = momentum;
    /// <summary>Added inside the square root.</summary>
    public double Epsilon { get; } = epsilon;
    /// <summary>Whether to normalize by the gradient's variance estimate.</summary>
    public bool Centered { get; } = centered;
    /// <inheritdoc/>
    public override string ClassName => "RMSprop";
    /// <inheritdoc/>
    protected override void BuildSlots()
    {
        AddSlots("velocity");
        if (Momentum > 0) AddSlots("momentum");
        if (Centered) AddSlots("average_gradient");
    }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float rho = F(Rho), oneMinusRho = F(1 - Rho), eps = F(Epsilon), mom = F(Momentum);
        UpdateLanes.Run(new RmsRule(learningRate, rho, oneMinusRho, eps, mom, Centered, Momentum > 0), gradient, Values(variable),
            Values(Slots("velocity")[index]),
            Centered ? Values(Slots("average_gradient")[index]) : default,
            Momentum > 0 ? Values(Slots("momentum")[index]) : default);
        Touch(Slots("velocity")[index]);
        if (Centered) Touch(Slots("average_gradient")[index]);
        if (Momentum > 0) Touch(Slots("momentum")[index]);
    }

    /// <summary>
    /// <c>v = rho v + (1 - rho) g²</c>; centered: <c>a = rho a + (1 - rho) g</c>, denominator <c>v - a² + eps</c>
    /// (else <c>v + eps</c>); <c>i = lr g / sqrt(denominator)</c>; momentum: <c>m = momentum m + i</c>, <c>w -= m</c>
    /// (else <c>w -= i</c>). s0: velocity, s1: average_gradient, s2: momentum.
    /// </summary>
    private readonly struct RmsRule(float lr, float rho, float oneMinusRho, float eps, float momentum, bool centered, bool useMomentum) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> vel, ref Vector<float> avg, ref Vector<float> m)
        {
            vel = rho * vel + oneMinusRho * (g * g);
            Vector<float> denominator;
            if (centered)
            {
                avg = rho * avg + oneMinusRho * g;
                denominator = vel - avg * avg + new Vector<float>(eps);
            }
            else denominator = vel + new Vector<float>(eps);
            var increment = lr * g / Vector.SquareRoot(denominator);
            if (useMomentum) { m = momentum * m + increment; w -= m; }
            else w -= increment;
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rho"] = Rho;
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        c["centered"] = Centered;
        return c;
    }
}

/// <summary>Adagrad (Keras 3): <c>acc += g²</c>; <c>w -= lr g / sqrt(acc + epsilon)</c>; <c>acc</c> starts at <c>initial_accumulator_value</c>.</summary>
public sealed class Adagrad(double learningRate = 0.001, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
    LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adagrad")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>The accumulators' starting value.</summary>
    public double InitialAccumulatorValue { get; } = initialAccumulatorValue;
    /// <summary>Added inside the square root.</summary>
    public double Epsilon { get; } = epsilon;
    /// <inheritdoc/>
    public override string ClassName => "Adagrad";
    /// <inheritdoc/>
    protected override void BuildSlots() => AddSlots("accumulator", InitialAccumulatorValue);
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float eps = F(Epsilon);
        UpdateLanes.Run(new AdagradRule(learningRate, eps), gradient, Values(variable), Values(Slots("accumulator")[index]));
        Touch(Slots("accumulator")[index]);
    }

    /// <summary><c>acc += g²</c>; <c>w -= lr g / sqrt(acc + eps)</c>. s0: accumulator.</summary>
    private readonly struct AdagradRule(float lr, float eps) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> acc, ref Vector<float> unused1, ref Vector<float> unused2)
        {
            acc += g * g;
            w -= lr * g / Vector.SquareRoot(acc + new Vector<float>(eps));
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["initial_accumulator_value"] = InitialAccumulatorValue;
        c["epsilon"] = Epsilon;
        return c;
    }
}

/// <summary>
/// Adamax (Keras 3): <c>m += (g - m)(1 - beta_1)</c>, <c>u = max(beta_2 u, |g|)</c>,
/// <c>w -= lr m / ((1 - beta_1^t)(u + epsilon))</c>.
/// </summary>
public sealed class Adamax(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
    LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamax")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; } = beta1;
    /// <summary>Decay of the infinity norm.</summary>
    public double Beta2 { get; } = beta2;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; } = epsilon;
    /// <inheritdoc/>
    public override string ClassName => "Adamax";
    /// <inheritdoc/>
    protected override void BuildSlots()
    {
        AddInterleavedSlots("m", "u"); // Keras: "momentum", "norm"
    }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float localStep = iterations + 1;
        float b1p = MathF.Pow(F(Beta1), localStep);
        float c1 = F(1 - Beta1), b2 = F(Beta2), eps = F(Epsilon);
        UpdateLanes.Run(new AdamaxRule(learningRate, c1, b2, 1 - b1p, eps), gradient, Values(variable), Values(Slots("m")[index]), Values(Slots("u")[index]));
        Touch(Slots("m")[index]);
        Touch(Slots("u")[index]);
    }

    /// <summary><c>m += (g - m) c1</c>; <c>u = max(b2 u, |g|)</c>; <c>w -= lr m / ((1 - beta_1^t)(u + eps))</c>. s0: m, s1: u.</summary>
    private readonly struct AdamaxRule(float lr, float c1, float b2, float oneMinusB1p, float eps) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> m, ref Vector<float> u, ref Vector<float> unused)
        {
            m += (g - m) * c1;
            u = Vector.Max(b2 * u, Vector.Abs(g));
            w -= lr * m / (oneMinusB1p * (u + new Vector<float>(eps)));
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        return c;
    }
}

/// <summary>
/// Nadam (Keras 3): Adam with Nesterov momentum and the momentum-schedule product <c>u_product</c>
/// (an optimizer variable) updated once per step by <c>beta_1 (1 - 0.5 * 0.96^t)</c>.
/// </summary>
public sealed class Nadam : Optimizer
{
    private readonly Variable _uProduct;

    /// <summary>Creates the optimizer (Keras 3's defaults).</summary>
    public Nadam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "nadam")
        : base(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _uProduct = AddOptimizerVariable("u_product", Tensor.Scalar(1f));
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }
    /// <inheritdoc/>
    public override string ClassName => "Nadam";
    /// <inheritdoc/>
    protected override void BuildSlots() => AddInterleavedSlots("momentum", "velocity");
    /// <inheritdoc/>
    protected override void BeforeUpdates(float learningRate)
    {
        float t = Iterations.ToScalar<long>() + 1;
        float u = _uProduct.ToScalar<float>() * F(Beta1) * (1f - 0.5f * MathF.Pow(0.96f, t));
        _uProduct.Assign(Tensor.Scalar(u));
    }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float localStep = iterations + 1, nextStep = iterations + 2;
        float decay = 0.96f, b1 = F(Beta1), b2 = F(Beta2);
        float ut = b1 * (1f - 0.5f * MathF.Pow(decay, localStep));
        float ut1 = b1 * (1f - 0.5f * MathF.Pow(decay, nextStep));
        float uProductT = _uProduct.ToScalar<float>();
        float uProductT1 = uProductT * ut1;
        float b2p = MathF.Pow(b2, localStep);
        float c1 = F(1 - Beta1), c2 = F(1 - Beta2), eps = F(Epsilon);
        var rule = new NadamRule(learningRate, c1, c2, ut1, 1 - uProductT1, 1 - ut, 1 - uProductT, 1 - b2p, eps);
        UpdateLanes.Run(rule, gradient, Values(variable), Values(Slots("momentum")[index]), Values(Slots("velocity")[index]));
        Touch(Slots("momentum")[index]);
        Touch(Slots("velocity")[index]);
    }

    /// <summary>
    /// <c>m += (g - m) c1</c>; <c>v += (g² - v) c2</c>; <c>m̂ = u_{t+1} m / (1 - Π_{t+1}) + (1 - u_t) g / (1 - Π_t)</c>;
    /// <c>v̂ = v / (1 - beta_2^t)</c>; <c>w -= m̂ lr / (sqrt(v̂) + eps)</c>. s0: momentum, s1: velocity.
    /// </summary>
    private readonly struct NadamRule(float lr, float c1, float c2, float ut1, float oneMinusProductNext, float oneMinusUt, float oneMinusProduct, float oneMinusB2p, float eps) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> m, ref Vector<float> v, ref Vector<float> unused)
        {
            m += (g - m) * c1;
            v += (g * g - v) * c2;
            var mHat = ut1 * m / oneMinusProductNext + oneMinusUt * g / oneMinusProduct;
            var vHat = v / oneMinusB2p;
            w -= mHat * lr / (Vector.SquareRoot(vHat) + new Vector<float>(eps));
        }
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        return c;
    }
}
