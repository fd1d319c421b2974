namespace LayerGen.Layers;

/// <summary>
/// What replaying a recorded call needs to know about a <c>[Layer]</c> class's <c>Call</c> (issue 23: this replaces a
/// generated <c>InvokeRecorded</c> per class): how many tensors it takes or whether it takes a list of them, whether it
/// takes a mask, the default of its <c>training</c> parameter, and the names of several tensors' shapes in the build
/// config. The generated registration list passes it to
/// <see cref="LayerRegistry.RegisterClass{TLayer}(string, Func{System.Text.Json.Nodes.JsonObject, TLayer}, CallSignature)"/>
/// for every class whose <c>Call</c> takes nothing else; <see cref="Layer.InvokeRecorded"/> then packs a recorded call the
/// way the generated <c>Invoke</c> would and runs it, and <see cref="Layer.BuildConfigFor"/> writes the <c>shapes_dict</c>
/// of several tensors (both were generated per class before).
/// </summary>
/// <param name="Tensors">The number of tensor parameters (1 for a list of tensors).</param>
/// <param name="List">Whether <c>Call</c> takes one list of tensors (<c>Tensor[]</c>, Keras's merge layers).</param>
/// <param name="Mask">Whether <c>Call</c> takes a <c>mask</c>.</param>
/// <param name="Training">Whether <c>Call</c> takes <c>training</c>.</param>
/// <param name="TrainingDefault">The default of <c>training</c> (false when it has none; ignored without <paramref name="Training"/>).</param>
/// <param name="ShapeKeys">
/// For a <c>Call</c> that takes several tensors (or none), the keys of their shapes in Keras's <c>shapes_dict</c> build config,
/// in order (<c>a_shape</c>, <c>b_shape</c>: <c>Build</c>'s parameter names), which <see cref="Layer.BuildConfigFor"/> then
/// writes; null for one tensor or a list.
/// </param>
public sealed record CallSignature(int Tensors = 1, bool List = false, bool Mask = false, bool Training = false, bool TrainingDefault = false,
    IReadOnlyList<string>? ShapeKeys = null)
{
    /// <summary>The <c>shapes_dict</c> build config of <paramref name="tensors"/> under <see cref="ShapeKeys"/>; null without them.</summary>
    internal System.Text.Json.Nodes.JsonObject? ShapesConfig(Tensor[] tensors)
    {
        if (ShapeKeys is not { } keys) return null;
        var shapes = new (string Name, Shape Shape)[keys.Count];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = (keys[i], tensors[i].Shape);
        return BuildConfig.ForShapes(shapes);
    }

    /// <summary>The <c>trainingDefault</c> the generated <c>Invoke</c> passes to <c>InvokeLayer</c>: null when <c>Call</c> takes no <c>training</c>.</summary>
    internal bool? InvokeTrainingDefault => Training ? TrainingDefault : null;

    /// <summary>
    /// The arguments the generated <c>Invoke</c> would pack from those of <paramref name="recorded"/>: the tensors (a copy of
    /// the list, or the first <see cref="Tensors"/>), the mask and the explicit <c>training</c> value where <c>Call</c> takes them.
    /// </summary>
    internal CallArguments Pack(CallArguments recorded)
    {
        var mask = Mask ? recorded.Mask : null;
        bool? training = Training ? recorded.Training : null;
        if (List) return CallArguments.OfList(recorded.Tensors, mask, training);
        var tensors = new Tensor[Tensors];
        for (int i = 0; i < tensors.Length; i++) tensors[i] = recorded.Tensors[i];
        return new CallArguments(tensors, mask, training);
    }
}
