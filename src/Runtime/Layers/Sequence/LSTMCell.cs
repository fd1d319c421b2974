namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>LSTMCell</c>: one step of an LSTM. Weights <c>kernel</c> (features, 4 * units), <c>recurrent_kernel</c>
/// (units, 4 * units), <c>bias</c> (4 * units), gates in Keras's order i, f, c, o. Called as a layer on
/// <c>(inputs, h, c)</c> it returns <c>[output, h, c]</c>; <see cref="LSTM"/> and <see cref="RNN"/> run it over time.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class LSTMCell : RecurrentCellBase
{
    private readonly ActivationFunction recurrentActivation;
    private readonly bool unitForgetBias;

    /// <summary>Creates the cell (Keras 3's arguments and defaults).</summary>
    /// <param name="units">Size of the output and of each state.</param>
    /// <param name="activation">Of the candidate and the output (default tanh).</param>
    /// <param name="recurrentActivation">Of the gates (default sigmoid).</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="unitForgetBias">Start the forget gate's bias at 1 (Keras's default).</param>
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
    public LSTMCell(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        bool unitForgetBias = true, Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0, int? seed = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, dropout, recurrentDropout, seed)
    {
        this.recurrentActivation = recurrentActivation ?? ActivationFunction.Sigmoid;
        this.unitForgetBias = unitForgetBias;
    }

    /// <summary><c>[units, units]</c>: h and c.</summary>
    public override IReadOnlyList<int> StateSize => [units, units];

    private protected override int Gates => 4;

    /// <summary>The gate pre-activations <c>z</c> (4 * units): what the backward pass of a traced loop reads instead of <c>h @ recurrent_kernel</c> again.</summary>
    internal override int SavedWidth => 4 * units;

    private protected override void InitializeBias(Variable b)
    {
        if (!unitForgetBias) return;
        var v = b.Value();
        b.Assign(Ops.Concat([Ops.Slice(v, [0], [units]), Tensor.Ones(new Shape(units), v.DType), Ops.Slice(v, [2 * units], [2 * units])], 0));
    }

    /// <summary>One step: gates from <c>x @ kernel + h @ recurrent_kernel + bias</c> (with tanh and sigmoid, one <see cref="Operations.LstmCellUpdateOp"/>).</summary>
    public override Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training)
    {
        ArgumentNullException.ThrowIfNull(states);
        var z = Ops.Add(projectedStep, RecurrentMatMul(states[0], 0, 4));
        SavedValue = z;
        // Keras's default activations (the built-in functions, not user functions registered under their names): one
        // fused op for the gates and the state update, bitwise equal to the ops below. The op does not broadcast: a
        // start state of one row standing for every row of an unknown batch (symbolic zeros) takes the ops below.
        if (ReferenceEquals(activation, BuiltInActivations.TanhFunction) && ReferenceEquals(recurrentActivation, BuiltInActivations.SigmoidFunction)
            && states[1].Shape[0] == z.Shape[0])
        {
            var hc = Ops.LstmCellUpdate(z, states[1]);
            var hNew = Ops.IndexAxis0(hc, 0);
            return [hNew, hNew, Ops.IndexAxis0(hc, 1)];
        }
        var g = Ops.Split(z, 4, axis: 1);
        var i = recurrentActivation.Call(g[0]);
        var f = recurrentActivation.Call(g[1]);
        var c = Ops.Add(Ops.Mul(f, states[1]), Ops.Mul(i, activation.Call(g[2])));
        var o = recurrentActivation.Call(g[3]);
        var h = Ops.Mul(o, activation.Call(c));
        return [h, h, c];
    }

    /// <summary>Builds from the step input's shape.</summary>
    protected void Build(Shape inputsShape, Shape hShape, Shape cShape) => BuildWeights(inputsShape);

    /// <summary>One step on <c>(batch, features)</c> inputs: <c>[output, h, c]</c>.</summary>
    protected Tensor[] Call(Tensor inputs, Tensor h, Tensor c, bool training = false) => CallStep(inputs, [h, c], training);
}
