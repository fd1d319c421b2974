using System.Diagnostics;
using LayerGen;
using LayerGen.Datasets;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace SequenceClassifier;

/// <summary>
/// Fashion-MNIST as sequences: each 28×28 image is 28 time steps of 28 pixels (one row per step), read by an LSTM whose
/// last state a softmax <c>Dense</c> classifies (Keras's classic "MNIST with an RNN" example).
/// </summary>
public static class RowSequences
{
    /// <summary>Loads the data, trains, evaluates, saves and reloads; 0 when the reloaded model predicts the same.</summary>
    public static int Run(RowSequenceOptions options)
    {
        // 1. The data: images of 28 rows × 28 pixels in [0, 1] are already (batch, timesteps, features).
        ImageClassificationData data;
        try { data = FashionMnist.Load(options.DataDirectory); }
        catch (DatasetNotFoundException e) { Console.Error.WriteLine(e.Message); options.DataMissing = true; return 1; }
        var ((xTrain, yTrain), (xTest, yTest)) = data;
        int n = Math.Clamp(options.TrainSamples, 1, xTrain.Shape[0]);
        if (n < xTrain.Shape[0]) { xTrain = xTrain[0..n]; yTrain = yTrain[0..n]; }
        Console.WriteLine($"Fashion-MNIST as row sequences: x_train {xTrain.Shape} (batch, timesteps, features), x_test {xTest.Shape}");

        // 2. The model: an LSTM reads the 28 rows; its last output goes to a softmax over the 10 classes.
        var model = new Sequential([
            new InputLayer(shape: [FashionMnist.ImageSize, FashionMnist.ImageSize]),
            new LSTM(128),
            new Dense(10, activation: "softmax"),
        ]);
        model.Summary();

        // 3. Train: Adam with a learning rate decaying to 0 over the run (cosine), sparse categorical cross-entropy,
        // accuracy; the last 10 % of the training images validate.
        const int BatchSize = 64;
        long steps = options.Epochs * (long)Math.Ceiling(n * 0.9 / BatchSize);
        model.Compile(optimizer: new Adam(schedule: new CosineDecay(3e-3, decaySteps: Math.Max(steps, 1))), loss: new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
        var clock = Stopwatch.StartNew();
        model.Fit(xTrain, yTrain, batchSize: BatchSize, epochs: options.Epochs, validationSplit: 0.1);
        Console.WriteLine($"Trained {options.Epochs} epochs on {n} images in {clock.Elapsed.TotalSeconds:F1} s");

        // 4. Evaluate on the 10,000 test images.
        var scores = model.Evaluate(xTest, yTest, batchSize: 500, verbose: 0);
        Console.WriteLine($"Test loss: {scores["loss"]:F4}");
        Console.WriteLine($"Test accuracy: {scores["accuracy"]:F4}");

        // 5. Save, reload, compare.
        model.Save("sequence_classifier.keras");
        var reloaded = Model.Load("sequence_classifier.keras");
        var probe = xTest[0..1000];
        var predictions = model.Predict(probe, batchSize: 500, verbose: 0);
        float diff = Ops.Max(Ops.Abs(predictions - reloaded.Predict(probe, batchSize: 500, verbose: 0))).ToScalar<float>();
        Console.WriteLine($"Saved sequence_classifier.keras ({new FileInfo("sequence_classifier.keras").Length / 1024} KiB); the reloaded model's predictions "
            + (diff == 0 ? "are identical" : $"differ by up to {diff:G3}"));
        var probabilities = predictions.ToArray<float>();
        var labels = yTest.ToArray<int>();
        for (int i = 0; i < 3; i++)
        {
            int best = 0;
            for (int c = 1; c < 10; c++) if (probabilities[i * 10 + c] > probabilities[i * 10 + best]) best = c;
            Console.WriteLine($"  test image {i}: predicted {FashionMnist.ClassNames[best],-11} ({probabilities[i * 10 + best]:P1}), true {FashionMnist.ClassNames[labels[i]]}");
        }
        return diff == 0 ? 0 : 1;
    }
}
