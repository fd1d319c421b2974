using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>A custom loss: <c>mean(scale * (y_pred - y_true)^2)</c>.</summary>
[KerasSerializable("scaled_squared_error")]
public sealed partial class ScaledSquaredError(double scale = 2.0, string reduction = "sum_over_batch_size", string name = "scaled_squared_error")
    : Loss(name, reduction)
{
    /// <summary>The factor.</summary>
    public double Scale { get; } = scale;

    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
        => Ops.Mean(Ops.Mul(Ops.Square(Ops.Sub(yPred, yTrue)), Tensor.Scalar(Scale, yPred.DType)), -1);
}

/// <summary>A custom metric: how often <c>|y_pred - y_true| &lt;= tolerance</c>.</summary>
[KerasSerializable("within_tolerance")]
public sealed partial class WithinTolerance(double tolerance = 0.1, string name = "within_tolerance") : MeanMetricWrapper(name)
{
    /// <summary>The largest error that counts as a hit.</summary>
    public double Tolerance { get; } = tolerance;

    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var error = Ops.Abs(Ops.Sub(Ops.Cast(yPred, DType.Float32), Ops.Cast(yTrue, DType.Float32)));
        return Ops.Mean(Ops.Cast(Ops.LessEqual(error, Tensor.Scalar((float)Tolerance)), DType.Float32), -1);
    }
}

/// <summary>A custom optimizer: SGD with the step scaled by <c>scale</c>.</summary>
[KerasSerializable]
public sealed partial class ScaledSGD(double learningRate = 0.01, double scale = 0.5, LearningRateSchedule? schedule = null, string name = "scaled_sgd")
    : Optimizer(learningRate, schedule, name, null, null, null, null)
{
    /// <summary>The factor on each step.</summary>
    public double Scale { get; } = scale;

    /// <inheritdoc/>
    protected override void BuildSlots() { }

    /// <inheritdoc/>
    protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
        => SubtractScaled(Values(variable), gradient, learningRate * F(Scale));
}

/// <summary>A custom schedule: the rate halves every <c>every</c> steps.</summary>
[KerasSerializable]
public sealed partial class HalvingSchedule(double initialLearningRate, long every = 10, string name = "halving") : LearningRateSchedule
{
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;

    /// <summary>Steps per halving.</summary>
    public long Every { get; } = every;

    /// <summary>The schedule's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override float Call(long step) => (float)(InitialLearningRate * Math.Pow(0.5, step / Every));
}

/// <summary>A custom initializer: every value is <c>value</c>.</summary>
[KerasSerializable]
public sealed partial class Filled(double value = 0.25) : Initializer
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;

    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Ops.Mul(Tensor.Ones(shape, dtype), Tensor.Scalar(Value, dtype));
}

/// <summary>A custom constraint: values clipped to <c>[-limit, limit]</c>.</summary>
[KerasSerializable]
public sealed partial class ClipTo(double limit = 1.0) : Constraint
{
    /// <summary>The bound.</summary>
    public double Limit { get; } = limit;

    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => Ops.Clip(w, -Limit, Limit);
}
