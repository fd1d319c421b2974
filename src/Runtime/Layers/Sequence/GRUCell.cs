namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GRUCell</c>: gates in Keras's order z (update), r (reset), h (candidate); <c>h = z * h_prev + (1 - z) * hh</c>.
/// Weights <c>kernel</c> (features, 3 * units), <c>recurrent_kernel</c> (units, 3 * units) and <c>bias</c>: (2, 3 * units)
/// with <c>resetAfter</c> (input and recurrent biases; the reset gate multiplies the recurrent part after the MatMul,
/// Keras's default), else (3 * units). Called as a layer on <c>(inputs, h)</c> it returns <c>[output, h]</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GRUCell : RecurrentCellBase
{
    private readonly ActivationFunction recurrentActivation;
    private readonly bool resetAfter;

    /// <summary>Creates the cell (Keras 3's arguments and defaults).</summary>
    /// <param name="units">Size of the output and the state.</param>
    /// <param name="activation">Of the candidate (default tanh).</param>
    /// <param name="recurrentActivation">Of the gates (default sigmoid).</param>
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
    /// <param name="resetAfter">Apply the reset gate after the recurrent MatMul (Keras's default, CuDNN's form).</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public GRUCell(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0, bool resetAfter = true, int? seed = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, dropout, recurrentDropout, seed)
    {
        this.recurrentActivation = recurrentActivation ?? ActivationFunction.Sigmoid;
        this.resetAfter = resetAfter;
    }

    /// <summary><c>[units]</c>.</summary>
    public override IReadOnlyList<int> StateSize => [units];

    /// <summary>Whether the reset gate applies after the recurrent MatMul.</summary>
    public bool ResetAfter => resetAfter;

    private protected override int Gates => 3;

    private protected override Shape BiasShape => resetAfter ? new Shape(2, 3 * units) : new Shape(3 * units);

    private protected override Tensor? InputBias => bias is null ? null : resetAfter ? Ops.IndexAxis0(bias, 0) : bias;

    /// <summary>
    /// With <c>reset_after</c>, the recurrent pre-activations <c>h @ recurrent_kernel + recurrent_bias</c> (3 * units):
    /// what the backward pass of a traced loop reads instead of computing the product again. Without it the product is
    /// split around the reset gate, and nothing is kept.
    /// </summary>
    internal override int SavedWidth => resetAfter ? 3 * units : 0;

    /// <summary>One step (with <c>reset_after</c> and the built-in activations, one <see cref="Operations.GruCellUpdateOp"/>).</summary>
    public override Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training)
    {
        ArgumentNullException.ThrowIfNull(states);
        var hPrev = states[0];
        Tensor z, hh;
        Tensor[] x;
        if (resetAfter)
        {
            var inner = RecurrentMatMul(hPrev, 0, 3);
            if (bias is not null) inner = Ops.Add(inner, Ops.IndexAxis0(bias, 1));
            SavedValue = inner;
            // Keras's default activations (the built-in functions): one fused op for the gates and the update, bitwise
            // equal to the ops below. The op does not broadcast: a one-row start state standing for every row of an
            // unknown batch (symbolic zeros) takes the ops below.
            if (ReferenceEquals(activation, BuiltInActivations.TanhFunction) && ReferenceEquals(recurrentActivation, BuiltInActivations.SigmoidFunction)
                && hPrev.Shape[0] == projectedStep.Shape[0])
            {
                var hNew = Ops.GruCellUpdate(projectedStep, inner, hPrev);
                return [hNew, hNew];
            }
            x = Ops.Split(projectedStep, 3, axis: 1);
            var r3 = Ops.Split(inner, 3, axis: 1);
            z = recurrentActivation.Call(Ops.Add(x[0], r3[0]));
            var r = recurrentActivation.Call(Ops.Add(x[1], r3[1]));
            hh = activation.Call(Ops.Add(x[2], Ops.Mul(r, r3[2])));
        }
        else
        {
            x = Ops.Split(projectedStep, 3, axis: 1);
            var zr = Ops.Split(RecurrentMatMul(hPrev, 0, 2), 2, axis: 1);
            z = recurrentActivation.Call(Ops.Add(x[0], zr[0]));
            var r = recurrentActivation.Call(Ops.Add(x[1], zr[1]));
            hh = activation.Call(Ops.Add(x[2], Ops.MatMul(Ops.Mul(r, Dropped(hPrev, 2)), Ops.Slice(recurrentKernel!, [0, 2 * units], [-1, units]))));
        }
        var h = Ops.Add(Ops.Mul(z, hPrev), Ops.Mul(Ops.Sub(Tensor.Scalar(1.0, z.DType), z), hh));
        return [h, h];
    }

    /// <summary>Builds from the step input's shape.</summary>
    protected void Build(Shape inputsShape, Shape hShape) => BuildWeights(inputsShape);

    /// <summary>One step on <c>(batch, features)</c> inputs: <c>[output, h]</c>.</summary>
    protected Tensor[] Call(Tensor inputs, Tensor h, bool training = false) => CallStep(inputs, [h], training);
}
