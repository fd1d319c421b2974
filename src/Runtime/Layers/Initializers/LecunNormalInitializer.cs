namespace LayerGen.Layers;

/// <summary>LeCun truncated normal (<c>scale 1, fan_in</c>). Keras's <c>LecunNormal</c>: variance scaling with scale 1.0, <c>fan_in</c>, <c>truncated_normal</c>.</summary>
[KerasSerializable("lecun_normal", Package = "keras.initializers", ClassName = "LecunNormal")]
public sealed partial class LecunNormalInitializer(long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
    : VarianceScalingInitializer(1.0, "fan_in", "truncated_normal", seed, inputAxes, outputAxes, fixedArguments: true);
