using System.Numerics;
using System.Runtime.CompilerServices;
namespace LayerGen.Optimizers;

/// <summary>
/// Stochastic gradient descent, with optional momentum and Nesterov momentum (Keras 3's <c>SGD</c>):
/// <c>w -= lr * g</c>; with momentum <c>m = momentum * m - lr * g</c>, then <c>w += m</c>
/// (Nesterov: <c>w += momentum * m - lr * g</c>).
/// </summary>
[KerasSerializable("sgd", Package = "keras.optimizers")]
public sealed partial class SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, LearningRateSchedule? schedule = null,
    double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "SGD")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>The momentum factor (0: plain SGD).</summary>
    public double Momentum { get; } = momentum is >= 0 and <= 1 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "`momentum` must be a float between [0, 1].");
    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; } = nesterov;
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

    /// <summary>True: row-sparse gradients update without a dense copy (the same weights).</summary>
    private protected override bool SupportsSparseUpdates => true;

    /// <summary>
    /// The update from a row-sparse gradient. Without momentum only the touched rows change (<c>w -= g lr</c> is
    /// <c>w</c> where <c>g</c> is 0, as Keras's <c>assign_sub</c> of an <c>IndexedSlices</c> scatters); with momentum
    /// every row's momentum moves, so the rule runs on every row.
    /// </summary>
    private protected override void UpdateStepSparse(SparseRows gradient, Variable variable, int index, float learningRate, long iterations)
    {
        var w = Values(variable);
        if (Momentum == 0)
        {
            int width = gradient.Width;
            for (int k = 0; k < gradient.Count; k++)
                SubtractScaled(w.Slice(gradient.Rows[k] * width, width), gradient.Sums.AsSpan(k * width, width), learningRate);
            return;
        }
        GradientLanes.Sparse(gradient).Run(new MomentumRule(learningRate, F(Momentum), Nesterov), w, Values(Slots("momentum")[index]));
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
}
