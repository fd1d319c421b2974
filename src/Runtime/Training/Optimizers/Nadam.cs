using System.Numerics;
using System.Runtime.CompilerServices;
namespace LayerGen.Optimizers;

/// <summary>
/// Nadam (Keras 3): Adam with Nesterov momentum and the momentum-schedule product <c>u_product</c>
/// (an optimizer variable) updated once per step by <c>beta_1 (1 - 0.5 * 0.96^t)</c>.
/// </summary>
[KerasSerializable("nadam", Package = "keras.optimizers")]
public sealed partial class Nadam : Optimizer
{
    private readonly Variable _uProduct;

    /// <summary>Creates the optimizer (Keras 3's defaults).</summary>
    public Nadam(double learningRate = 0.001, [ConfigKey("beta_1")] double beta1 = 0.9, [ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7,
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
        => Step(GradientLanes.Dense(gradient), variable, index, learningRate, iterations);

    /// <summary>True: row-sparse gradients update without a dense copy (the same weights).</summary>
    private protected override bool SupportsSparseUpdates => true;

    /// <summary>The update from a row-sparse gradient: the same rule on every row.</summary>
    private protected override void UpdateStepSparse(SparseRows gradient, Variable variable, int index, float learningRate, long iterations)
        => Step(GradientLanes.Sparse(gradient), variable, index, learningRate, iterations);

    private void Step(GradientLanes gradient, Variable variable, int index, float learningRate, long iterations)
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
        gradient.Run(rule, Values(variable), Values(Slots("momentum")[index]), Values(Slots("velocity")[index]));
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
}
