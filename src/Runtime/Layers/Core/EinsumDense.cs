using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>EinsumDense</c>: <c>activation(einsum(equation, inputs, kernel) + bias)</c>, a dense layer over any
/// axes. The equation has the forms Keras accepts, <c>ab,bc-&gt;ac</c>, <c>...ab,bc-&gt;...ac</c> and
/// <c>ab...,bc-&gt;ac...</c>; <c>output_shape</c> gives the output's sizes after the batch axis (null where the
/// input's size is used). Weights <c>kernel</c> (one axis per kernel label) and, with <c>bias_axes</c>, <c>bias</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class EinsumDense
{
    private readonly string equation;
    private readonly Shape outputShape;
    private readonly ActivationFunction activation;
    private readonly string? biasAxes;
    private readonly Initializer kernelInitializer;
    private readonly Initializer biasInitializer;
    private readonly Regularizer? kernelRegularizer;
    private readonly Regularizer? biasRegularizer;
    private readonly Constraint? kernelConstraint;
    private readonly Constraint? biasConstraint;
    private readonly JsonObject? quantizationConfig;
    private Variable? kernel;
    private Variable? bias;
    private Shape fullOutputShape;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="equation">The einsum equation, inputs first, kernel second (<c>"abc,cde-&gt;abde"</c>).</param>
    /// <param name="outputShape">The output's shape without the batch axis; <see cref="Shape.Unknown"/> where the input's size is taken.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="biasAxes">The output labels the bias spans (<c>"de"</c>), or null for no bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    /// <param name="quantizationConfig">Kept for config compatibility; quantization is not supported.</param>
    public EinsumDense(string equation, Shape outputShape, ActivationFunction? activation = null, string? biasAxes = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, JsonObject? quantizationConfig = null)
    {
        ArgumentNullException.ThrowIfNull(equation);
        if (quantizationConfig is not null) throw new NotSupportedException("EinsumDense: quantization is not supported.");
        _ = EinsumDenseEquation.Split(equation);
        this.equation = equation;
        this.outputShape = outputShape;
        this.activation = activation ?? ActivationFunction.Linear;
        this.biasAxes = biasAxes;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.kernelRegularizer = kernelRegularizer;
        this.biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        this.kernelConstraint = kernelConstraint;
        this.biasConstraint = biasConstraint;
        this.quantizationConfig = quantizationConfig;
    }


    /// <summary>The einsum equation.</summary>
    public string Equation => equation;

    /// <summary>The kernel, once built.</summary>
    public Variable? Kernel => kernel;

    /// <summary>The bias, once built (null without <c>bias_axes</c>).</summary>
    public Variable? Bias => bias;

    /// <summary>The output shape (batch axis included) found when the layer was built.</summary>
    public Shape FullOutputShape => fullOutputShape;

    /// <summary>Creates <c>kernel</c> and <c>bias</c> from the equation and the input shape, as Keras's <c>_analyze_einsum_string</c>.</summary>
    protected void Build(Shape inputShape)
    {
        var analysis = EinsumDenseEquation.Analyze(equation, biasAxes, inputShape, outputShape);
        // Keras: a variance-scaling initializer without axes counts its fans over the kernel's input and output axes.
        var initializer = kernelInitializer is VarianceScalingInitializer vs ? vs.WithAxes(analysis.InputAxes, analysis.OutputAxes) : kernelInitializer;
        kernel = AddWeight("kernel", analysis.KernelShape, initializer, regularizer: kernelRegularizer, constraint: kernelConstraint);
        if (analysis.BiasShape is { } bs)
            bias = AddWeight("bias", bs, biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
        fullOutputShape = analysis.FullOutputShape;
        InputSpec = new InputSpec(ndim: inputShape.Rank);
    }

    /// <summary>Builds the weights for <paramref name="inputShape"/> without calling the layer (a parent's <c>build</c>, as Keras's <c>sublayer.build(shape)</c>).</summary>
    internal void BuildForShape(Shape inputShape)
    {
        if (IsBuilt) return;
        BeginBuild();
        Build(inputShape);
        EndBuild(LayerGen.Layers.BuildConfig.ForInput(inputShape));
    }

    /// <summary><c>activation(einsum(equation, inputs, kernel) + bias)</c>.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = Ops.Einsum(equation, inputs, kernel!);
        if (bias is not null) x = Ops.Add(x, bias);
        return activation.Call(x);
    }
}
