// The `keras` mode of the sample: Keras 3's .keras and .weights.h5 files under NativeAOT. A compiled Sequential is
// trained one step, saved as .keras and loaded back (predictions and optimizer state must survive), its weights go
// through a .weights.h5 file into a fresh model, and a .keras file written by real Keras is loaded and run.
//
//   ./SavedModelAot keras <scratch_dir> [a .keras written by Keras]
using System.Globalization;
using LayerGen;
using LayerGen.Formats.Keras;
using LayerGen.Layers;
using LayerGen.Optimizers;

internal static class KerasFiles
{
    public static int Run(string scratch, string? kerasFile)
    {
        Directory.CreateDirectory(scratch);
        var x = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
        var y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));
        RandomGenerator.SetGlobalSeed(5);

        var model = Build();
        model.Compile(new Adam(learningRate: 0.01), "mse");
        model.TrainOnBatch(x, y);
        string archive = Path.Combine(scratch, "model.keras");
        model.Save(archive);
        var loaded = Model.Load(archive);
        bool samePredictions = loaded.Predict(x, verbose: 0).ToFloatArray().SequenceEqual(model.Predict(x, verbose: 0).ToFloatArray());
        var saved = model.Optimizer!.Variables;
        var restored = loaded.Optimizer!.Variables;
        bool sameOptimizer = restored.Count == saved.Count
            && restored.Zip(saved).All(p => p.First.ToFloatArray().SequenceEqual(p.Second.ToFloatArray()));
        Console.WriteLine("saved model prediction: " + string.Join(" ", model.Predict(x, verbose: 0).ToFloatArray().Select(f => f.ToString("R", CultureInfo.InvariantCulture))));
        Console.WriteLine($"keras archive: {new FileInfo(archive).Length} bytes, same predictions: {samePredictions}, same optimizer state ({saved.Count} variables): {sameOptimizer}");

        string weights = Path.Combine(scratch, "model.weights.h5");
        model.SaveWeights(weights);
        var fresh = Build();
        fresh.LoadWeights(weights);
        bool sameWeights = fresh.Predict(x, verbose: 0).ToFloatArray().SequenceEqual(model.Predict(x, verbose: 0).ToFloatArray());
        Console.WriteLine($"weights file: same predictions: {sameWeights}");

        try { Model.Load(Path.Combine(scratch, "missing.keras")); }
        catch (FileNotFoundException) { }
        var damaged = File.ReadAllBytes(archive);
        damaged[damaged.Length / 2] ^= 0x55;
        File.WriteAllBytes(Path.Combine(scratch, "damaged.keras"), damaged);
        try
        {
            Model.Load(Path.Combine(scratch, "damaged.keras"));
            Console.WriteLine("damaged archive: loaded");
        }
        catch (KerasFormatException e) { Console.WriteLine("damaged archive: refused (" + e.GetType().Name + ")"); }

        if (kerasFile is not null)
        {
            var keras = Model.Load(kerasFile);
            var p = keras.Predict(x, verbose: 0);
            Console.WriteLine($"keras file {Path.GetFileName(kerasFile)}: {keras.ClassName} of {keras.Layers.Count} layers, compiled: {keras.IsCompiled}, prediction {p.Shape}: "
                + string.Join(" ", p.ToFloatArray().Select(f => f.ToString("R", CultureInfo.InvariantCulture))));
        }
        return samePredictions && sameOptimizer && sameWeights ? 0 : 1;
    }

    private static Sequential Build()
        => new([new InputLayer(shape: [3]), new Dense(3, activation: "relu"), new Dense(2)]);
}
