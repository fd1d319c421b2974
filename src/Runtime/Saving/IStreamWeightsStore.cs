namespace LayerGen.Saving;

/// <summary>
/// A <see cref="IWeightsStore"/> whose format is a single file, so it can also be written to and read from a
/// <see cref="Stream"/> (from the stream's position; the stream is left open). Checkpoints are not one: a checkpoint
/// is an index plus data shards, several files renamed into place in order.
/// </summary>
public interface IStreamWeightsStore : IWeightsStore
{
    /// <summary>Writes every variable of <paramref name="module"/> into <paramref name="stream"/>.</summary>
    void Save(Module module, Stream stream);

    /// <summary>Assigns the values in <paramref name="stream"/> to <paramref name="module"/>'s variables, all or nothing.</summary>
    RestoreReport Load(Module module, Stream stream);
}
