namespace LayerGen.Layers;

/// <summary>
/// Keras's generic <c>RNN</c> layer: runs any cell over <c>(batch, timesteps, features)</c> (see
/// <see cref="RecurrentBase"/>). The cell is a layer implementing <see cref="IRecurrentCell"/>: a built-in one
/// (<see cref="LSTMCell"/>, <see cref="GRUCell"/>, <see cref="SimpleRNNCell"/>) or a user's own <c>[Layer]</c>.
/// Returns <c>[output]</c>, or <c>[output, states...]</c> with <c>returnState</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class RNN : RecurrentBase
{
    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="cell">The cell: a layer implementing <see cref="IRecurrentCell"/>.</param>
    /// <param name="returnSequences">Return the output of every step, else the last one.</param>
    /// <param name="returnState">Return the final states after the output.</param>
    /// <param name="goBackwards">Read the sequence from its end.</param>
    /// <param name="stateful">Start each call from the final states of the previous one (<see cref="RecurrentBase.ResetStates"/>).</param>
    /// <param name="unroll">As in Keras: one set of ops per step (eager and traced) instead of one loop op.</param>
    /// <param name="zeroOutputForMask">Masked steps output zeros in the returned sequence (else the previous output).</param>
    public RNN(Layer cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false,
        bool unroll = false, bool zeroOutputForMask = false)
        : base(cell, returnSequences, returnState, goBackwards, stateful, unroll, zeroOutputForMask)
    {
    }

    /// <summary>Replays a recorded call with its <c>initial_state</c>, if any (see <see cref="RecurrentBase.InvokeWithInitialState"/>).</summary>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments) => InvokeRecordedWithInitialState(arguments);
}
