using LayerGen.Formats.Keras;

namespace LayerGen;

// Saving: the Keras 3 .keras archive and .weights.h5 files (src/Runtime/Formats/Keras, docs/formats/keras.md).
public partial class Model
{
    /// <summary>
    /// Saves the model as Keras 3 does: a <c>.keras</c> zip with <c>metadata.json</c>, <c>config.json</c> (with
    /// the compile config when compiled) and <c>model.weights.h5</c> (weights and optimizer state). Keras loads it.
    /// </summary>
    public void Save(string path) => KerasArchive.Save(this, path);

    /// <summary>Loads a model saved by <see cref="Save"/> or by Keras 3; throws <see cref="KerasFormatException"/> on a bad archive.</summary>
    public static Model Load(string path) => KerasArchive.Load(path);

    /// <summary>Saves the weights (and optimizer state) alone to a <c>.weights.h5</c> file.</summary>
    public void SaveWeights(string path) => KerasArchive.SaveWeights(this, path);

    /// <summary>Loads weights saved by <see cref="SaveWeights"/> (or Keras's <c>save_weights</c>) into this model; nothing changes on error.</summary>
    public void LoadWeights(string path) => KerasArchive.LoadWeights(this, path);
}
