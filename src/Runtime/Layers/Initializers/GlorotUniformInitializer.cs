namespace LayerGen.Layers;

/// <summary>Glorot (Xavier) uniform: <c>limit = sqrt(6 / (fan_in + fan_out))</c>. Dense's default kernel initializer. Keras's <c>GlorotUniform</c>: variance scaling with scale 1.0, <c>fan_avg</c>, <c>uniform</c>.</summary>
[KerasSerializable("glorot_uniform", Package = "keras.initializers", ClassName = "GlorotUniform")]
public sealed partial class GlorotUniformInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(1.0, "fan_avg", "uniform", seed, inputAxes, outputAxes, fixedArguments: true);
