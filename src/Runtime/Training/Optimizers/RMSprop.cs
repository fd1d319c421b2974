using System.Numerics;
using System.Runtime.CompilerServices;
namespace LayerGen.Optimizers;

/// <summary>
/// RMSprop (Keras 3): <c>v = rho v + (1 - rho) g²</c>; <c>w -= lr g / sqrt(v + epsilon)</c> (centered: the
/// denominator is <c>v - mean_g² + epsilon</c>); with momentum the increment accumulates first.
/// </summary>
[KerasSerializable("rmsprop", Package = "keras.optimizers")]
public sealed partial class RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
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
    protected override void BuildSlots()
    {
        AddSlots("velocity");
        if (Momentum > 0) AddSlots("momentum");
        if (Centered) AddSlots("average_gradient");
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
        float rho = F(Rho), oneMinusRho = F(1 - Rho), eps = F(Epsilon), mom = F(Momentum);
        gradient.Run(new RmsRule(learningRate, rho, oneMinusRho, eps, mom, Centered, Momentum > 0), Values(variable),
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
}
