using System.Text.Json.Nodes;

namespace LayerGen.Layers;

// The call protocol's fixed part, written once here instead of in every generated Invoke: the generated
// Invoke packs its arguments into a CallArguments and calls InvokeLayer; the class-specific parts are the
// generated BuildLayer (runs the user's Build), BuildConfigFor (several tensor inputs) and CallLayer (runs
// the user's Call). See docs/design/layer-contract.md.
public abstract partial class Layer
{
    /// <summary>
    /// Runs one call of the layer, as the generated <c>Invoke</c> does: checks that no tensor argument is null,
    /// resolves <c>training</c> (<see cref="CallArguments.Training"/>, else the enclosing call's, else
    /// <paramref name="trainingDefault"/>), builds the layer on its first call (<see cref="BuildLayer"/> between
    /// <c>BeginBuild</c> and <c>EndBuild</c>, recording <see cref="BuildConfigFor"/>), checks each tensor against
    /// <see cref="InputSpecs"/>, runs <see cref="CallLayer"/>, then <c>FinishCall</c> (losses, output shapes, the
    /// functional node); the call frame is closed whatever happens.
    /// </summary>
    /// <param name="arguments">The call's arguments, recorded as they are for the functional API.</param>
    /// <param name="trainingDefault">The default of <c>Call</c>'s <c>training</c> parameter; null when it takes none.</param>
    /// <returns>The outputs (one element for a <c>Call</c> that returns one tensor).</returns>
    protected Tensor[] InvokeLayer(CallArguments arguments, bool? trainingDefault)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var tensors = arguments.Tensors;
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null)
                throw new ArgumentNullException(nameof(arguments), $"Tensor argument {i} of the call to layer \"{Name}\" is null.");
        var frame = EnterCall(arguments.Training, trainingDefault);
        try
        {
            if (!IsBuilt)
            {
                BeginBuild();
                BuildLayer(arguments);
                EndBuild(BuildConfigFor(arguments));
            }
            for (int i = 0; i < tensors.Length; i++) AssertInputCompatibility(i, tensors[i]);
            var outputs = CallLayer(arguments, frame.Training) ?? throw ReturnedNull();
            foreach (var output in outputs)
                if (output is null) throw ReturnedNull();
            return FinishCall(frame, arguments, outputs);
        }
        finally
        {
            ExitCall(frame);
        }
    }

    private InvalidOperationException ReturnedNull() => new($"Call of layer \"{Name}\" returned null instead of a tensor.");

    /// <summary>
    /// Runs the layer's <c>Build</c> with the shapes of the tensor arguments, once, on the first call (generated
    /// when the class has a <c>Build</c>; nothing by default).
    /// </summary>
    protected virtual void BuildLayer(CallArguments arguments)
    {
    }

    /// <summary>
    /// The <c>build_config</c> Keras records for the building call: <c>{"input_shape": ...}</c> for one tensor or a
    /// list of tensors (<see cref="CallArguments.IsList"/>); the generated override of a layer with several tensor
    /// arguments writes <c>{"shapes_dict": ...}</c> with their names.
    /// </summary>
    protected virtual JsonObject BuildConfigFor(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var tensors = arguments.Tensors;
        if (arguments.IsList) return LayerGen.Layers.BuildConfig.ForInputList(LayerGen.Layers.BuildConfig.ShapesOf(tensors));
        return tensors.Length == 0
            ? new JsonObject { ["input_shape"] = null }
            : LayerGen.Layers.BuildConfig.ForInput(tensors[0].Shape);
    }

    /// <summary>
    /// Runs the layer's <c>Call</c> with <paramref name="arguments"/> and the resolved <paramref name="training"/>
    /// flag (generated from the user's <c>Call</c>). The default throws: a layer called through
    /// <see cref="InvokeLayer"/> must override it.
    /// </summary>
    protected virtual Tensor[] CallLayer(CallArguments arguments, bool training)
        => throw new NotSupportedException($"Layer \"{Name}\" ({GetType().Name}) has no generated CallLayer: mark the class [Layer] and give it a Call method.");
}
