namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>SimpleRNN</c>: a <see cref="SimpleRNNCell"/> run over <c>(batch, timesteps, features)</c> (see
/// <see cref="RecurrentBase"/>). Weights under <c>cell</c>: <c>kernel</c> (features, units), <c>recurrent_kernel</c>
/// (units, units), <c>bias</c> (units). Returns <c>[output]</c>, or <c>[output, h]</c> with <c>returnState</c>. As in
/// Keras 3.15 its config has no <c>seed</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class SimpleRNN : RecurrentBase
{
    private readonly int units;
    private readonly ActivationFunction activation;
    private readonly bool useBias;
    private readonly Initializer kernelInitializer;
    private readonly Initializer recurrentInitializer;
    private readonly Initializer biasInitializer;
    private readonly Regularizer? kernelRegularizer;
    private readonly Regularizer? recurrentRegularizer;
    private readonly Regularizer? biasRegularizer;
    private readonly Constraint? kernelConstraint;
    private readonly Constraint? recurrentConstraint;
    private readonly Constraint? biasConstraint;
    private readonly double dropout;
    private readonly double recurrentDropout;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="units">Size of the output and of each state.</param>
    /// <param name="activation">Default tanh.</param>
    /// <param name="useBias">Whether to add biases.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="recurrentInitializer">Default orthogonal.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="recurrentRegularizer">Penalty on the recurrent kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="recurrentConstraint">Projection of the recurrent kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    /// <param name="dropout">Fraction of the inputs dropped in training (one mask for all steps).</param>
    /// <param name="recurrentDropout">Fraction of the previous output dropped in training (one mask for all steps).</param>
    /// <param name="returnSequences">Return the output of every step (batch, timesteps, units), else the last one.</param>
    /// <param name="returnState">Return the final states after the output.</param>
    /// <param name="goBackwards">Read the sequence from its end.</param>
    /// <param name="stateful">Start each call from the final states of the previous one (fixed batch size; <see cref="RecurrentBase.ResetStates"/>).</param>
    /// <param name="unroll">As in Keras: one set of ops per step (eager and traced) instead of one loop op.</param>
    /// <param name="zeroOutputForMask">Masked steps output zeros in the returned sequence (else the previous output).</param>
    public SimpleRNN(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false, bool unroll = false, bool zeroOutputForMask = false)
        : base(new SimpleRNNCell(units, activation, useBias, kernelInitializer: kernelInitializer, recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer, recurrentRegularizer: recurrentRegularizer, biasRegularizer: biasRegularizer, kernelConstraint: kernelConstraint, recurrentConstraint: recurrentConstraint, biasConstraint: biasConstraint, dropout: dropout, recurrentDropout: recurrentDropout) { Name = "simple_rnn_cell" }, returnSequences, returnState, goBackwards, stateful, unroll, zeroOutputForMask)
    {
        this.units = units;
        this.activation = activation ?? ActivationFunction.Tanh;
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.recurrentInitializer = recurrentInitializer ?? Initializers.Orthogonal();
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.kernelRegularizer = kernelRegularizer;
        this.recurrentRegularizer = recurrentRegularizer;
        this.biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        this.kernelConstraint = kernelConstraint;
        this.recurrentConstraint = recurrentConstraint;
        this.biasConstraint = biasConstraint;
        this.dropout = dropout;
        this.recurrentDropout = recurrentDropout;
    }

    /// <summary>Size of the output and of each state.</summary>
    public int Units => units;

    /// <summary>Replays a recorded call with its <c>initial_state</c>, if any (see <see cref="RecurrentBase.InvokeWithInitialState"/>).</summary>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments) => InvokeRecordedWithInitialState(arguments);
}
