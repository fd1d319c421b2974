using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's densely connected layer: <c>activation(inputs @ kernel + bias)</c>. Weights <c>kernel</c>
/// (input_dim, units) and <c>bias</c> (units), created on the first call from the last input dimension.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Dense
{
    /// <summary>True: the incoming mask passes through (Keras).</summary>
    public override bool SupportsMasking => true;

    private readonly int units;
    private readonly global::LayerGen.Layers.ActivationFunction activation;
    private readonly bool useBias;
    private readonly Initializer kernelInitializer;
    private readonly Initializer biasInitializer;
    private readonly Regularizer? kernelRegularizer;
    private readonly Regularizer? biasRegularizer;
    private readonly Constraint? kernelConstraint;
    private readonly Constraint? biasConstraint;
    private readonly JsonObject? quantizationConfig;
    private Variable? kernel;
    private Variable? bias;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="units">Output size.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    /// <param name="quantizationConfig">Kept for config compatibility; quantization is not supported.</param>
    public Dense(int units, global::LayerGen.Layers.ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, JsonObject? quantizationConfig = null)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units), $"Received an invalid value for `units`, expected a positive integer. Received: units={units}");
        if (quantizationConfig is not null) throw new NotSupportedException("Dense: quantization is not supported.");
        this.units = units;
        this.activation = activation ?? global::LayerGen.Layers.ActivationFunction.Linear;
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.kernelRegularizer = kernelRegularizer;
        this.biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        this.kernelConstraint = kernelConstraint;
        this.biasConstraint = biasConstraint;
        this.quantizationConfig = quantizationConfig;
    }

    /// <summary>Output size.</summary>
    public int Units => units;

    /// <summary>The activation.</summary>
    public global::LayerGen.Layers.ActivationFunction Activation => activation;

    /// <summary>The kernel, once built.</summary>
    public Variable? Kernel => kernel;

    /// <summary>The bias, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <summary>Creates <c>kernel</c> and <c>bias</c> from the last input dimension.</summary>
    protected void Build(Shape inputShape)
    {
        int inputDim = inputShape[^1];
        if (inputDim == Shape.Unknown)
            throw new ArgumentException($"Dense: the last dimension of the inputs must be known, got input shape {inputShape}.");
        kernel = AddWeight("kernel", [inputDim, units], kernelInitializer, regularizer: kernelRegularizer, constraint: kernelConstraint);
        if (useBias) bias = AddWeight("bias", [units], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
        InputSpec = new InputSpec(minNdim: 2, axes: new Dictionary<int, int> { [-1] = inputDim });
    }

    /// <summary><c>activation(inputs @ kernel + bias)</c>.</summary>
    protected Tensor Call(Tensor inputs)
    {
        // The product is a fresh intermediate: the bias and a relu overwrite it instead of making two more arrays.
        return BiasActivationInPlace.Apply(Ops.MatMul(inputs, kernel!), bias, activation);
    }
}
