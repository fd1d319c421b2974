using System.Numerics;
using System.Runtime.CompilerServices;
namespace LayerGen.Optimizers;

/// <summary>Adagrad (Keras 3): <c>acc += g²</c>; <c>w -= lr g / sqrt(acc + epsilon)</c>; <c>acc</c> starts at <c>initial_accumulator_value</c>.</summary>
[KerasSerializable("adagrad", Package = "keras.optimizers")]
public sealed partial class Adagrad(double learningRate = 0.001, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
    LearningRateSchedule? schedule = null, double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adagrad")
    : Optimizer(learningRate, schedule, name, weightDecay, clipnorm, clipvalue, globalClipnorm)
{
    /// <summary>The accumulators' starting value.</summary>
    public double InitialAccumulatorValue { get; } = initialAccumulatorValue;
    /// <summary>Added inside the square root.</summary>
    public double Epsilon { get; } = epsilon;
    /// <inheritdoc/>
    protected override void BuildSlots() => AddSlots("accumulator", InitialAccumulatorValue);
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
        float eps = F(Epsilon);
        gradient.Run(new AdagradRule(learningRate, eps), Values(variable), Values(Slots("accumulator")[index]));
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
}
