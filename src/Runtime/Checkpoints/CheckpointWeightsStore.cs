namespace LayerGen.Checkpoints;

/// <summary>
/// LayerGen checkpoints as an <see cref="IWeightsStore"/>: the module is the one child of a <see cref="Checkpoint"/>
/// named <paramref name="rootName"/>, so keys are <c>model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE</c> and the path is a
/// checkpoint prefix (<c>prefix.index</c> plus <c>prefix.data-0000k-of-0000N</c>). There is no stream form: a
/// checkpoint is several files, renamed into place index last. Loading returns the
/// <see cref="CheckpointLoadStatus"/>, which keeps values for variables created later.
/// </summary>
/// <param name="rootName">The checkpoint child the module is saved under.</param>
public sealed class CheckpointWeightsStore(string rootName = "model") : IWeightsStore
{
    /// <inheritdoc/>
    public string FormatName => "checkpoint";

    /// <inheritdoc/>
    public void Save(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        new Checkpoint { [rootName] = module }.Write(path);
    }

    /// <inheritdoc/>
    public RestoreReport Load(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new Checkpoint { [rootName] = module }.Restore(path);
    }
}
