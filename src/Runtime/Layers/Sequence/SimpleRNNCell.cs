namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>SimpleRNNCell</c>: <c>h = activation(x @ kernel + h @ recurrent_kernel + bias)</c>. Weights
/// <c>kernel</c> (features, units), <c>recurrent_kernel</c> (units, units), <c>bias</c> (units). Called as a layer on
/// <c>(inputs, h)</c> it returns <c>[output, h]</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class SimpleRNNCell : RecurrentCellBase
{
    /// <summary>Creates the cell (Keras 3's arguments and defaults).</summary>
    /// <param name="units">Size of the output and the state.</param>
    /// <param name="activation">Default tanh.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="recurrentInitializer">Default orthogonal.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="recurrentRegularizer">Penalty on the recurrent kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="recurrentConstraint">Projection of the recurrent kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    /// <param name="dropout">Fraction of the inputs dropped in training.</param>
    /// <param name="recurrentDropout">Fraction of the previous output dropped in training.</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public SimpleRNNCell(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0, int? seed = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, dropout, recurrentDropout, seed)
    {
    }

    /// <summary><c>[units]</c>.</summary>
    public override IReadOnlyList<int> StateSize => [units];

    private protected override int Gates => 1;

    /// <summary>The pre-activation <c>x @ kernel + bias + h @ recurrent_kernel</c> (units): what the backward pass of a traced loop reads instead of <c>h @ recurrent_kernel</c> again.</summary>
    internal override int SavedWidth => units;

    /// <summary>One step.</summary>
    public override Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training)
    {
        ArgumentNullException.ThrowIfNull(states);
        var preActivation = Ops.Add(projectedStep, Ops.MatMul(Dropped(states[0]), recurrentKernel!));
        SavedValue = preActivation;
        var h = activation.Call(preActivation);
        return [h, h];
    }

    /// <summary>Builds from the step input's shape.</summary>
    protected void Build(Shape inputsShape, Shape hShape) => BuildWeights(inputsShape);

    /// <summary>One step on <c>(batch, features)</c> inputs: <c>[output, h]</c>.</summary>
    protected Tensor[] Call(Tensor inputs, Tensor h, bool training = false) => CallStep(inputs, [h], training);
}
