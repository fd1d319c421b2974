using LayerGen.Formats.Keras;

namespace LayerGen.Formats.Keras;

// Saving: the Keras 3 .keras archive and .weights.h5 files (src/Runtime/Formats/Keras, docs/formats/keras.md),
// as extension members of Model so the model layer never names a format: `model.Save(path)`, `Model.Load(path)`.
// The HDF5 part is LayerGen's own reader and writer of the subset Keras uses (Formats/Hdf5): no reflection
// or runtime code generation, so these work in trimmed and NativeAOT apps (samples/SavedModelAot checks it).

/// <summary>The <c>.keras</c> and <c>.weights.h5</c> entry points of <see cref="Model"/>.</summary>
public static class KerasModelSaving
{
    extension(Model model)
    {
        /// <summary>
        /// Saves the model as Keras 3 does: a <c>.keras</c> zip with <c>metadata.json</c>, <c>config.json</c> (with
        /// the compile config when compiled) and <c>model.weights.h5</c> (weights and optimizer state). Keras loads it.
        /// </summary>
        public void Save(string path) => KerasArchive.Save(model, path);

        /// <summary>Saves the model as a <c>.keras</c> archive into <paramref name="stream"/> (left open).</summary>
        public void Save(Stream stream) => KerasArchive.Save(model, stream);

        /// <summary>Saves the weights (and optimizer state) alone to a <c>.weights.h5</c> file.</summary>
        public void SaveWeights(string path) => KerasArchive.SaveWeights(model, path);

        /// <summary>Saves the weights (and optimizer state) alone as a <c>.weights.h5</c> file into <paramref name="stream"/> (left open).</summary>
        public void SaveWeights(Stream stream) => KerasArchive.SaveWeights(model, stream);

        /// <summary>
        /// Loads weights saved by <c>SaveWeights</c> (or Keras's <c>save_weights</c>), or the weights of a <c>.keras</c> archive
        /// (saved by <c>Save</c> or Keras), into this model of the same architecture, as Keras 3's <c>load_weights</c>; nothing changes on error.
        /// </summary>
        public void LoadWeights(string path) => KerasArchive.LoadWeights(model, path);

        /// <summary>Loads weights from a <c>.weights.h5</c> file or a <c>.keras</c> archive in <paramref name="stream"/> into this model; nothing changes on error.</summary>
        public void LoadWeights(Stream stream) => KerasArchive.LoadWeights(model, stream);
    }

    extension(Model)
    {
        /// <summary>Loads a model saved by <c>Save</c> or by Keras 3; throws <see cref="KerasFormatException"/> on a bad archive.</summary>
        /// <param name="path">The <c>.keras</c> file.</param>
        /// <param name="compile">
        /// Whether to compile the model from the file's compile config (Keras's <c>compile=True</c>, the default). False loads
        /// it uncompiled, also when LayerGen cannot rebuild its compile config (a custom loss, an option it does not support);
        /// compile it yourself then.
        /// </param>
        public static Model Load(string path, bool compile = true) => KerasArchive.Load(path, compile: compile);

        /// <summary>Loads a model from a <c>.keras</c> archive in <paramref name="stream"/> (left open).</summary>
        /// <param name="stream">The archive (left open).</param>
        /// <param name="compile">Whether to compile the model from its compile config (see the path overload).</param>
        public static Model Load(Stream stream, bool compile = true) => KerasArchive.Load(stream, compile: compile);
    }
}
