namespace LayerGen.Saving;

/// <summary>
/// A file format that stores a module's variables by object path and restores them into a module of the same
/// structure: <c>SafeTensorsWeightsStore</c> (<c>.safetensors</c>), <c>CheckpointWeightsStore</c>
/// (checkpoint prefixes) and <c>KerasWeightsStore</c> (<c>.weights.h5</c>). Code that only moves weights can take
/// any of them:
/// <code>
/// void Snapshot(IWeightsStore store, Module model, string path) => store.Save(model, path);
/// store.Load(fresh, path).AssertConsumed();
/// </code>
/// Every store writes through a temporary file renamed into place, validates everything before assigning
/// anything on load, and throws its own <see cref="LayerGenFormatException"/> subclass on a damaged file.
/// </summary>
public interface IWeightsStore
{
    /// <summary>A short name of the format, for messages (<c>safetensors</c>, <c>checkpoint</c>, <c>keras-weights-h5</c>).</summary>
    string FormatName { get; }

    /// <summary>Writes every variable of <paramref name="module"/> to <paramref name="path"/>, replacing what is there.</summary>
    void Save(Module module, string path);

    /// <summary>
    /// Assigns the values stored at <paramref name="path"/> to <paramref name="module"/>'s variables, all or nothing,
    /// and reports variables the file lacks and values nothing took.
    /// </summary>
    RestoreReport Load(Module module, string path);
}
