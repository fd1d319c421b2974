namespace LayerGen.Layers;

/// <summary>He truncated normal (<c>scale 2, fan_in</c>). Keras's <c>HeNormal</c>: variance scaling with scale 2.0, <c>fan_in</c>, <c>truncated_normal</c>.</summary>
[KerasSerializable("he_normal", Package = "keras.initializers", ClassName = "HeNormal")]
public sealed partial class HeNormalInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(2.0, "fan_in", "truncated_normal", seed, inputAxes, outputAxes, fixedArguments: true);
