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
            // Keras's Layer.__call__: the inputs' masks, looked up before the call (a layer may drop them).
            var masks = InputMasks(tensors);
            var call = masks is null ? arguments : WithInputMasks(arguments, masks);
            var outputs = CallLayer(call, frame.Training) ?? throw ReturnedNull();
            foreach (var output in outputs)
                if (output is null) throw ReturnedNull();
            return FinishCall(frame, arguments, outputs, call, masks);
        }
        finally
        {
            ExitCall(frame);
        }
    }

    /// <summary>
    /// Replays a recorded call with new arguments (functional models, building from a config). By default: packs them
    /// as the generated <c>Invoke</c> of the class does, from the <see cref="CallSignature"/> the class's registration
    /// gave (<see cref="LayerRegistry.RegisterClass{TLayer}(string, Func{JsonObject, TLayer}, CallSignature)"/>), and runs
    /// <see cref="InvokeLayer"/>. The generator overrides it for a class whose call it cannot describe that way (a
    /// <c>Call</c> with other arguments, a hand-written <c>Invoke</c>, a class outside the registration list).
    /// </summary>
    /// <param name="arguments">The recorded arguments, with the tensors of this replay.</param>
    /// <returns>The outputs.</returns>
    protected internal virtual Tensor[] InvokeRecorded(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var signature = RegisteredCallSignature()
            ?? throw new NotSupportedException($"Layer \"{Name}\" ({GetType().Name}) cannot replay a recorded call: mark the class [Layer] and give it a Call method, or override InvokeRecorded.");
        return InvokeLayer(signature.Pack(arguments), signature.InvokeTrainingDefault);
    }

    /// <summary>The <see cref="CallSignature"/> registered for the class or its nearest registered base, or null (cached once found).</summary>
    private CallSignature? RegisteredCallSignature() => _callSignature ??= LayerRegistry.CallSignatureOf(GetType());

    private CallSignature? _callSignature;

    /// <summary>The masks attached to the tensor arguments, or null when none has one (the usual case: nothing allocated).</summary>
    private static Tensor?[]? InputMasks(Tensor[] tensors)
    {
        Tensor?[]? masks = null;
        for (int i = 0; i < tensors.Length; i++)
            if (KerasMask.Of(tensors[i]) is { } mask) (masks ??= new Tensor?[tensors.Length])[i] = mask;
        return masks;
    }

    /// <summary>
    /// The arguments <c>Call</c> runs with (Keras's <c>Layer.__call__</c>, "populate mask arguments"): the masks of the
    /// inputs go where the call left the mask out. One tensor: <c>mask</c> is its mask. A list of tensors: the
    /// <c>mask</c> argument is the list of their masks. Several tensors: <c>&lt;name&gt;_mask</c> is the mask of the tensor
    /// argument <c>&lt;name&gt;</c> (<c>query_mask</c> for <c>query</c>; also for optional tensors passed by name, as
    /// <c>key</c>). A <c>Call</c> without such a parameter never reads them. The arguments recorded for the functional
    /// API stay as the caller gave them.
    /// </summary>
    private CallArguments WithInputMasks(CallArguments arguments, Tensor?[] masks)
    {
        var tensors = arguments.Tensors;
        if (arguments.IsList)
        {
            if (arguments.Other.TryGetValue("mask", out var given) && given is not null) return arguments;
            return CallArguments.OfList(tensors, arguments.Mask, arguments.Training, With(arguments.Other, ("mask", masks)));
        }
        if (tensors.Length == 1)
            return arguments.Mask is not null ? arguments : new CallArguments(tensors, masks[0], arguments.Training, arguments.Other);
        var keys = _maskArgumentKeys ??= MaskArgumentKeys(arguments);
        var added = new List<(string, object?)>();
        for (int i = 0; i < tensors.Length && i < keys.Length; i++)
            if (masks[i] is { } mask && !Given(arguments.Other, keys[i])) added.Add((keys[i], mask));
        foreach (var (name, value) in arguments.Other)
            if (value is Tensor t && KerasMask.Of(t) is { } mask && !Given(arguments.Other, name + "_mask")) added.Add((name + "_mask", mask));
        return added.Count == 0 ? arguments
            : new CallArguments(tensors, arguments.Mask, arguments.Training, With(arguments.Other, [.. added])) { IsList = arguments.IsList };

        static bool Given(IReadOnlyDictionary<string, object?> other, string key) => other.TryGetValue(key, out var v) && v is not null;
    }

    private static Dictionary<string, object?> With(IReadOnlyDictionary<string, object?> other, params (string Key, object? Value)[] added)
    {
        var copy = new Dictionary<string, object?>(other);
        foreach (var (key, value) in added) copy[key] = value;
        return copy;
    }

    /// <summary>
    /// <c>&lt;name&gt;_mask</c> for each tensor argument, in order: the names are those of the build config's
    /// <c>shapes_dict</c> (<c>query_shape</c>, <c>value_shape</c>), which the generated <see cref="BuildConfigFor"/>
    /// writes from <c>Call</c>'s parameter names, as Keras does.
    /// </summary>
    private string[] MaskArgumentKeys(CallArguments arguments)
    {
        if (BuildConfigFor(arguments)["shapes_dict"] is not JsonObject shapes) return [];
        return [.. shapes.Select(kv => kv.Key.EndsWith("_shape", StringComparison.Ordinal) ? kv.Key[..^"_shape".Length] + "_mask" : kv.Key + "_mask")];
    }

    private string[]? _maskArgumentKeys;

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
    /// list of tensors (<see cref="CallArguments.IsList"/>); for a layer with several tensor arguments
    /// <c>{"shapes_dict": ...}</c> with their names, from its registered <see cref="CallSignature.ShapeKeys"/> (or a
    /// generated override, for a class outside the registration list).
    /// </summary>
    protected virtual JsonObject BuildConfigFor(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var tensors = arguments.Tensors;
        if (RegisteredCallSignature()?.ShapesConfig(tensors) is { } shapes) return shapes;
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
