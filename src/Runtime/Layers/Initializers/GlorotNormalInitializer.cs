namespace LayerGen.Layers;

/// <summary>Glorot (Xavier) truncated normal. Keras's <c>GlorotNormal</c>: variance scaling with scale 1.0, <c>fan_avg</c>, <c>truncated_normal</c>.</summary>
[KerasSerializable("glorot_normal", Package = "keras.initializers", ClassName = "GlorotNormal")]
public sealed partial class GlorotNormalInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(1.0, "fan_avg", "truncated_normal", seed, inputAxes, outputAxes, fixedArguments: true);
