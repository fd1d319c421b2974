namespace LayerGen.Optimizers;

/// <summary>Adam with decoupled weight decay (Keras 3's <c>AdamW</c>, default <c>weight_decay</c> 0.004).</summary>
public sealed class AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
    LearningRateSchedule? schedule = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
    : Adam(learningRate, beta1, beta2, epsilon, amsgrad, schedule, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc/>
    public override string ClassName => "AdamW";
}
