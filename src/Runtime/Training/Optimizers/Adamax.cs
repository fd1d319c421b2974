using System.Numerics;
using System.Runtime.CompilerServices;
namespace LayerGen.Optimizers;

/// <summary>
/// Adamax (Keras 3): <c>m += (g - m)(1 - beta_1)</c>, <c>u = max(beta_2 u, |g|)</c>,
/// <c>w -= lr m / ((1 - beta_1^t)(u + epsilon))</c>.
/// </summary>
[KerasSerializable("adamax", Package = "keras.optimizers")]
public sealed partial class Adamax(double learningRate = 0.001, [ConfigKey("beta_1")] double beta1 = 0.9, [ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7,
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
    protected override void BuildSlots()
    {
        AddInterleavedSlots("m", "u"); // Keras: "momentum", "norm"
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
        float b1p = MathF.Pow(F(Beta1), localStep);
        float c1 = F(1 - Beta1), b2 = F(Beta2), eps = F(Epsilon);
        gradient.Run(new AdamaxRule(learningRate, c1, b2, 1 - b1p, eps), Values(variable), Values(Slots("m")[index]), Values(Slots("u")[index]));
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
}
