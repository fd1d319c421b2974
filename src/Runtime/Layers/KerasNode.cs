namespace LayerGen.Layers;

/// <summary>
/// One call of a layer on symbolic tensors, recorded for the functional API (Keras's <c>Node</c>):
/// the layer, its arguments and its outputs. A layer keeps its nodes in <see cref="Layer.InboundNodes"/>.
/// </summary>
public sealed class KerasNode
{
    internal KerasNode(Layer layer, CallArguments arguments, Tensor[] outputs)
    {
        Layer = layer;
        Arguments = arguments;
        Outputs = outputs;
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }

    /// <summary>The call's arguments (symbolic tensors).</summary>
    public CallArguments Arguments { get; }

    /// <summary>The symbolic outputs.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>True for an <c>InputLayer</c>'s node, which has no inputs.</summary>
    public bool IsInput => Arguments.Tensors.Length == 0 && Arguments.Mask is null;

    /// <summary>The tensor arguments and the mask, in order.</summary>
    public IEnumerable<Tensor> InputTensors => Arguments.AllTensors();
}

/// <summary>
/// Which layer call produced a symbolic tensor (Keras's <c>_keras_history</c>). Kept in a side table
/// keyed by the tensor (weakly, so a history lives as long as its tensor): tensors know nothing of layers.
/// </summary>
public sealed record KerasHistory(Layer Layer, int NodeIndex, int TensorIndex)
{
    /// <summary>The node.</summary>
    public KerasNode Node => Layer.InboundNodes[NodeIndex];

    /// <summary>The history of <paramref name="tensor"/>, or null.</summary>
    public static KerasHistory? Of(Tensor tensor) => tensor is not null && s_histories.TryGetValue(tensor, out var h) ? h : null;

    /// <summary>Records that <paramref name="history"/> produced <paramref name="tensor"/>.</summary>
    internal static void Set(Tensor tensor, KerasHistory history) => s_histories.AddOrUpdate(tensor, history);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, KerasHistory> s_histories = new();
}
