namespace LayerGen.Layers;

/// <summary>He uniform (<c>scale 2, fan_in</c>). Keras's <c>HeUniform</c>: variance scaling with scale 2.0, <c>fan_in</c>, <c>uniform</c>.</summary>
[KerasSerializable("he_uniform", Package = "keras.initializers", ClassName = "HeUniform")]
public sealed partial class HeUniformInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(2.0, "fan_in", "uniform", seed, inputAxes, outputAxes, fixedArguments: true);
