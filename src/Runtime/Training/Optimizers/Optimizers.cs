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
        float mom = F(Momentum);
        var m = Values(Slots("momentum")[index]);
        for (int j = 0; j < w.Length; j++)
        {
            m[j] = -gradient[j] * learningRate + m[j] * mom;
            w[j] += Nesterov ? -gradient[j] * learningRate + m[j] * mom : m[j];
        }
        Touch(Slots("momentum")[index]);
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
        var w = Values(variable);
        var mv = Slots("momentum")[index];
        var vv = Slots("velocity")[index];
        var m = Values(mv);
        var v = Values(vv);
        Span<float> vh = Amsgrad ? Values(Slots("velocity_hat")[index]) : default;
        int j = 0;
        if (!Amsgrad && System.Numerics.Vector.IsHardwareAccelerated)
        {
            // The same operations in the same order per element (no fused multiply-add): bitwise the scalar loop.
            int width = System.Numerics.Vector<float>.Count;
            System.Numerics.Vector<float> c1v = new(c1), c2v = new(c2), alphav = new(alpha), epsv = new(eps);
            for (; j + width <= w.Length; j += width)
            {
                var g = new System.Numerics.Vector<float>(gradient, j);
                var mj = new System.Numerics.Vector<float>(m[j..]);
                var vj = new System.Numerics.Vector<float>(v[j..]);
                mj += (g - mj) * c1v;
                vj += (g * g - vj) * c2v;
                var wj = new System.Numerics.Vector<float>(w[j..]);
                wj -= mj * alphav / (System.Numerics.Vector.SquareRoot(vj) + epsv);
                mj.CopyTo(m[j..]);
                vj.CopyTo(v[j..]);
                wj.CopyTo(w[j..]);
            }
        }
        for (; j < w.Length; j++)
        {
            float g = gradient[j];
            m[j] += (g - m[j]) * c1;
            v[j] += (g * g - v[j]) * c2;
            float vj = v[j];
            if (Amsgrad) { vh[j] = MathF.Max(vh[j], v[j]); vj = vh[j]; }
            w[j] -= m[j] * alpha / (MathF.Sqrt(vj) + eps);
        }
        Touch(mv);
        Touch(vv);
        if (Amsgrad) Touch(Slots("velocity_hat")[index]);
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
        var w = Values(variable);
        var vel = Values(Slots("velocity")[index]);
        Span<float> avg = Centered ? Values(Slots("average_gradient")[index]) : default;
        Span<float> m = Momentum > 0 ? Values(Slots("momentum")[index]) : default;
        for (int j = 0; j < w.Length; j++)
        {
            float g = gradient[j];
            vel[j] = rho * vel[j] + oneMinusRho * (g * g);
            float denominator;
            if (Centered)
            {
                avg[j] = rho * avg[j] + oneMinusRho * g;
                denominator = vel[j] - avg[j] * avg[j] + eps;
            }
            else denominator = vel[j] + eps;
            float increment = learningRate * g / MathF.Sqrt(denominator);
            if (Momentum > 0) { m[j] = mom * m[j] + increment; w[j] -= m[j]; }
            else w[j] -= increment;
        }
        Touch(Slots("velocity")[index]);
        if (Centered) Touch(Slots("average_gradient")[index]);
        if (Momentum > 0) Touch(Slots("momentum")[index]);
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
        var w = Values(variable);
        var acc = Values(Slots("accumulator")[index]);
        for (int j = 0; j < w.Length; j++)
        {
            float g = gradient[j];
            acc[j] += g * g;
            w[j] -= learningRate * g / MathF.Sqrt(acc[j] + eps);
        }
        Touch(Slots("accumulator")[index]);
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
        var w = Values(variable);
        var m = Values(Slots("m")[index]);
        var u = Values(Slots("u")[index]);
        for (int j = 0; j < w.Length; j++)
        {
            float g = gradient[j];
            m[j] += (g - m[j]) * c1;
            u[j] = MathF.Max(b2 * u[j], MathF.Abs(g));
            w[j] -= learningRate * m[j] / ((1 - b1p) * (u[j] + eps));
        }
        Touch(Slots("m")[index]);
        Touch(Slots("u")[index]);
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
        var w = Values(variable);
        var m = Values(Slots("momentum")[index]);
        var v = Values(Slots("velocity")[index]);
        for (int j = 0; j < w.Length; j++)
        {
            float g = gradient[j];
            m[j] += (g - m[j]) * c1;
            v[j] += (g * g - v[j]) * c2;
            float mHat = ut1 * m[j] / (1 - uProductT1) + (1 - ut) * g / (1 - uProductT);
            float vHat = v[j] / (1 - b2p);
            w[j] -= mHat * learningRate / (MathF.Sqrt(vHat) + eps);
        }
        Touch(Slots("momentum")[index]);
        Touch(Slots("velocity")[index]);
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
