namespace LayerGen.Layers;

/// <summary>
/// What a recurrent layer needs from its cell (Keras's RNN cell protocol, split so the input projection of all
/// steps is one MatMul): the sizes of its states and output, a build from the shape of one step's input, the
/// projection of the whole time-major input <c>(timesteps, batch, features)</c> done once per call, and one step.
/// <see cref="LSTMCell"/>, <see cref="GRUCell"/> and <see cref="SimpleRNNCell"/> implement it.
/// </summary>
public interface IRecurrentCell
{
    /// <summary>The size of each state (LSTM: <c>[units, units]</c>).</summary>
    IReadOnlyList<int> StateSize { get; }

    /// <summary>The size of the output of a step.</summary>
    int OutputSize { get; }

    /// <summary>Creates the weights for steps of <paramref name="stepInputShape"/> <c>(batch, features)</c>, once.</summary>
    void BuildCell(Shape stepInputShape);

    /// <summary>
    /// Prepares a sequence: returns <paramref name="timeMajorInputs"/> <c>(timesteps, batch, features)</c> projected
    /// for all steps at once (for the built-in cells <c>inputs @ kernel + bias</c>), and draws the dropout masks
    /// of this call when <paramref name="training"/>.
    /// </summary>
    Tensor ProjectInputs(Tensor timeMajorInputs, bool training);

    /// <summary>One step: from the projected input of the step <c>(batch, ...)</c> and the states, the step's output followed by the new states.</summary>
    Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training);
}
