using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Bidirectional</c> wrapper: runs a recurrent layer forwards (<c>forward_layer</c>, a copy of
/// <c>layer</c> named <c>forward_&lt;name&gt;</c>) and backwards (<c>backward_layer</c>, a copy with
/// <c>go_backwards</c> flipped, or the one given) and merges the outputs: <c>"concat"</c> (last axis), <c>"sum"</c>,
/// <c>"mul"</c>, <c>"ave"</c>, or null (both outputs returned). With <c>return_sequences</c> the backward outputs are
/// put back in time order first. With <c>return_state</c> the forward then the backward states follow.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Bidirectional
{
    private static readonly string?[] MergeModes = ["sum", "mul", "ave", "concat", null];

    [NotTracked] private readonly Layer layer;
    private readonly string? mergeMode;
    [TrackAs("forward_layer")] private readonly RecurrentBase forward;
    [TrackAs("backward_layer")] private readonly RecurrentBase backwardLayer;

    /// <summary>Creates the wrapper (Keras 3's arguments and defaults).</summary>
    /// <param name="layer">The recurrent layer to run in both directions (copied from its config).</param>
    /// <param name="mergeMode"><c>"concat"</c>, <c>"sum"</c>, <c>"mul"</c>, <c>"ave"</c> or null.</param>
    /// <param name="backwardLayer">The layer for the backward direction (default: a copy of <paramref name="layer"/> with <c>go_backwards</c> flipped).</param>
    public Bidirectional(Layer layer, string? mergeMode = "concat", Layer? backwardLayer = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is not RecurrentBase)
            throw new ArgumentException($"Please initialize `Bidirectional` layer with a recurrent layer (RNN, SimpleRNN, GRU, LSTM). Received: {layer}", nameof(layer));
        if (backwardLayer is not null and not RecurrentBase)
            throw new ArgumentException($"`backward_layer` need to be a recurrent layer. Received: {backwardLayer}", nameof(backwardLayer));
        if (Array.IndexOf(MergeModes, mergeMode) < 0)
            throw new ArgumentException($"Invalid merge mode. Received: {mergeMode}. Merge mode should be one of {{\"sum\", \"mul\", \"ave\", \"concat\", None}}", nameof(mergeMode));
        forward = Copy(layer, "forward_", flip: false);
        this.backwardLayer = (RecurrentBase?)backwardLayer ?? Copy(layer, "backward_", flip: true);
        this.layer = forward;
        this.mergeMode = mergeMode;
        if (forward.GoBackwards == this.backwardLayer.GoBackwards)
            throw new ArgumentException($"Forward layer and backward layer should have different `go_backwards` value. Received: forward_layer.go_backwards {forward.GoBackwards}, backward_layer.go_backwards={this.backwardLayer.GoBackwards}");
        if (forward.Stateful != this.backwardLayer.Stateful || forward.ReturnSequences != this.backwardLayer.ReturnSequences || forward.ReturnState != this.backwardLayer.ReturnState)
            throw new ArgumentException("Forward layer and backward layer are expected to have the same value for attributes \"stateful\", \"return_sequences\" and \"return_state\".");
        forward.ZeroOutputForMask = forward.ReturnSequences;
        this.backwardLayer.ZeroOutputForMask = this.backwardLayer.ReturnSequences;
        InputSpec = null;
    }

    private static RecurrentBase Copy(Layer layer, string prefix, bool flip)
    {
        var serialized = LayerRegistry.Serialize(layer);
        var config = (JsonObject)serialized["config"]!;
        string name = layer.Name.StartsWith(prefix, StringComparison.Ordinal) ? layer.Name[prefix.Length..] : layer.Name;
        config["name"] = prefix + name;
        if (flip) config["go_backwards"] = !((RecurrentBase)layer).GoBackwards;
        return (RecurrentBase)LayerRegistry.Deserialize(serialized);
    }

    /// <summary>The forward layer.</summary>
    public RecurrentBase ForwardLayer => forward;

    /// <summary>The backward layer.</summary>
    public RecurrentBase BackwardLayer => backwardLayer;

    /// <summary>The merge mode (null: both outputs are returned).</summary>
    public string? MergeMode => mergeMode;

    /// <summary>True: the mask goes to both directions and on with <c>return_sequences</c>.</summary>
    public override bool SupportsMasking => true;

    /// <summary>The incoming mask with <c>return_sequences</c>, else none.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? previousMask) => forward.ReturnSequences ? previousMask : null;

    /// <summary>
    /// Calls the wrapper starting from <paramref name="initialState"/>: the forward layer's states, then the backward
    /// layer's (Keras's <c>initial_state</c>, split in halves). Works eagerly, traced and on symbolic tensors (a
    /// functional model records and saves it as Keras does).
    /// </summary>
    /// <param name="inputs">The sequences <c>(batch, timesteps, features)</c>.</param>
    /// <param name="initialState">The forward layer's states then the backward layer's (<c>[h_f, c_f, h_b, c_b]</c> for LSTMs).</param>
    /// <param name="mask">Optional mask <c>(batch, timesteps)</c>.</param>
    /// <param name="training">Explicit training flag, or null to follow the enclosing call.</param>
    /// <returns>The merged output (or both), then the forward and backward final states with <c>return_state</c>.</returns>
    public Tensor[] InvokeWithInitialState(Tensor inputs, IReadOnlyList<Tensor> initialState, Tensor? mask = null, bool? training = null)
    {
        return InvokeRecorded(RecurrentBase.InitialStateCall(Name, inputs, initialState, mask, training));
    }

    /// <summary>Replays a recorded call with its <c>initial_state</c>, if any (see <see cref="InvokeWithInitialState"/>).</summary>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Tensors.Length == 0)
            throw new ArgumentException($"Layer \"{Name}\" expects the sequences as its first argument; the call has no tensor argument.", nameof(arguments));
        var states = RecurrentBase.InitialStateOf(arguments);
        var call = states is null
            ? new CallArguments([arguments.Tensors[0]], arguments.Mask, arguments.Training)
            : new CallArguments([arguments.Tensors[0]], arguments.Mask, arguments.Training, new Dictionary<string, object?>(StringComparer.Ordinal) { [RecurrentBase.InitialStateKey] = states });
        var (previous, previousSkip) = (pendingInitialState, skipInputMask);
        pendingInitialState = states;
        // As Keras: a call with initial_state (two tensor arguments) does not get the input's mask unless it is passed.
        skipInputMask = states is not null && arguments.Mask is null;
        try { return InvokeLayer(call, trainingDefault: false); }
        finally { (pendingInitialState, skipInputMask) = (previous, previousSkip); }
    }

    [NotTracked] private Tensor[]? pendingInitialState;
    private bool skipInputMask;

    /// <summary>Runs both directions and merges them.</summary>
    protected Tensor[] Call(Tensor inputs, Tensor? mask = null, bool training = false)
    {
        Tensor[] y, yRev;
        if (skipInputMask) mask = null;
        if (pendingInitialState is { } states)
        {
            // Keras: the first half of the list goes to the forward layer, the second half to the backward layer.
            int half = states.Length / 2;
            int forwardCount = ((IRecurrentCell)forward.Cell).StateSize.Count, backwardCount = ((IRecurrentCell)backwardLayer.Cell).StateSize.Count;
            if (half != forwardCount || states.Length - half != backwardCount)
                throw new ArgumentException($"Layer \"{Name}\": `initial_state` must hold the forward layer's {forwardCount} state tensor(s) then the backward layer's {backwardCount}, received {states.Length}: {string.Join(", ", states.Select(s => s.Shape.ToString()))}.");
            y = forward.InvokeWithInitialState(inputs, states[..half], mask, training);
            yRev = backwardLayer.InvokeWithInitialState(inputs, states[half..], mask, training);
        }
        else
        {
            y = forward.Invoke(new CallArguments([inputs], mask, training));
            yRev = backwardLayer.Invoke(new CallArguments([inputs], mask, training));
        }
        Tensor a = y[0], b = yRev[0];
        if (forward.ReturnSequences)
        {
            int steps = b.Shape[1];
            if (steps == Shape.Unknown)
            {
                if (!b.IsSymbolic) throw new ShapeMismatchException(Name, $"the number of timesteps must be known, got {b.Shape}.", b.Shape);
            }
            else
            {
                var order = new int[steps];
                for (int t = 0; t < steps; t++) order[t] = steps - 1 - t;
                b = Ops.Gather(b, Tensor.From<int>(order, new Shape(steps)), axis: 1);
            }
        }
        var outputs = new List<Tensor>();
        switch (mergeMode)
        {
            case "concat": outputs.Add(Ops.Concat([a, b], -1)); break;
            case "sum": outputs.Add(Ops.Add(a, b)); break;
            case "ave": outputs.Add(Ops.Div(Ops.Add(a, b), Tensor.Scalar(2.0, a.DType))); break;
            case "mul": outputs.Add(Ops.Mul(a, b)); break;
            default: outputs.Add(a); outputs.Add(b); break;
        }
        outputs.AddRange(y[1..]);
        outputs.AddRange(yRev[1..]);
        return [.. outputs];
    }
}
