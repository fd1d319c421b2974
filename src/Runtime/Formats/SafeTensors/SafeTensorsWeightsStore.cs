namespace LayerGen.Formats;

/// <summary>
/// safetensors as an <see cref="IStreamWeightsStore"/>: each variable under its object path (<c>dense1/w</c>), as
/// <see cref="SafeTensors.Save(Module, string, IReadOnlyDictionary{string, string}?, bool)"/> and
/// <see cref="SafeTensors.LoadInto(Module, string, IReadOnlyDictionary{string, string}?)"/> do.
/// </summary>
/// <param name="metadata">The <c>__metadata__</c> strings written with every save (none by default).</param>
/// <param name="nameMap">File names mapped to variable paths when loading (<c>"dense1.weight" → "dense1/w"</c>).</param>
public sealed class SafeTensorsWeightsStore(IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyDictionary<string, string>? nameMap = null) : IStreamWeightsStore
{
    /// <inheritdoc/>
    public string FormatName => "safetensors";

    /// <inheritdoc/>
    public void Save(Module module, string path) => SafeTensors.Save(module, path, metadata);

    /// <inheritdoc/>
    public void Save(Module module, Stream stream) => SafeTensors.Save(module, stream, metadata);

    /// <inheritdoc/>
    public RestoreReport Load(Module module, string path) => SafeTensors.LoadInto(module, path, nameMap);

    /// <inheritdoc/>
    public RestoreReport Load(Module module, Stream stream) => SafeTensors.LoadInto(module, stream, nameMap);
}
