namespace LayerGen.Layers;

/// <summary>LeCun uniform (<c>scale 1, fan_in</c>). Keras's <c>LecunUniform</c>: variance scaling with scale 1.0, <c>fan_in</c>, <c>uniform</c>.</summary>
[KerasSerializable("lecun_uniform", Package = "keras.initializers", ClassName = "LecunUniform")]
public sealed partial class LecunUniformInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(1.0, "fan_in", "uniform", seed, inputAxes, outputAxes, fixedArguments: true);
