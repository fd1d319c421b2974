using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>
/// Adam (Keras 3): <c>m += (g - m)(1 - beta_1)</c>, <c>v += (g² - v)(1 - beta_2)</c>,
/// <c>w -= m * alpha / (sqrt(v) + epsilon)</c> with <c>alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)</c>;
/// with <c>amsgrad</c>, <c>v</c> is replaced by its running maximum.
/// </summary>
[KerasSerializable("adam", Package = "keras.optimizers")]
public partial class Adam(double learningRate = 0.001, [ConfigKey("beta_1")] double beta1 = 0.9, [ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
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
    protected override void BuildSlots()
    {
        AddInterleavedSlots("momentum", "velocity");
        if (Amsgrad) AddSlots("velocity_hat");
    }
    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
        => Step(GradientLanes.Dense(gradient), variable, index, learningRate, iterations);

    /// <summary>True: row-sparse gradients update without a dense copy (the same weights).</summary>
    private protected override bool SupportsSparseUpdates => true;

    /// <summary>The update from a row-sparse gradient: the same rule on every row.</summary>
    private protected override void UpdateStepSparse(SparseRows gradient, Variable variable, int index, float learningRate, long iterations)
        => Step(GradientLanes.Sparse(gradient), variable, index, learningRate, iterations);

    private void Step(GradientLanes gradient, Variable variable, int index, float learningRate, long iterations)
    {
        float localStep = iterations + 1;
        float b1p = MathF.Pow(F(Beta1), localStep), b2p = MathF.Pow(F(Beta2), localStep);
        float alpha = learningRate * MathF.Sqrt(1 - b2p) / (1 - b1p);
        float c1 = F(1 - Beta1), c2 = F(1 - Beta2), eps = F(Epsilon);
        var mv = Slots("momentum")[index];
        var vv = Slots("velocity")[index];
        gradient.Run(new AdamRule(c1, c2, alpha, eps, Amsgrad), Values(variable), Values(mv), Values(vv),
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
}
