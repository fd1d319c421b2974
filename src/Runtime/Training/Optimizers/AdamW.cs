namespace LayerGen.Optimizers;

/// <summary>Adam with decoupled weight decay (Keras 3's <c>AdamW</c>, default <c>weight_decay</c> 0.004).</summary>
[KerasSerializable("adamw", Package = "keras.optimizers")]
public sealed partial class AdamW(double learningRate = 0.001, double weightDecay = 0.004, [ConfigKey("beta_1")] double beta1 = 0.9, [ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
    LearningRateSchedule? schedule = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
    : Adam(learningRate, beta1, beta2, epsilon, amsgrad, schedule, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <summary>The weight decay as given (never null for AdamW), what its config writes and reads back.</summary>
    private readonly double _weightDecay = weightDecay;
}
