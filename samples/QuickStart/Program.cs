// LayerGen QuickStart: a Keras-style model trained on two interleaved spirals, evaluated, saved to a
// checkpoint, restored into a fresh model, and checked to predict the same thing.
using LayerGen;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

RandomGenerator.SetGlobalSeed(42);

// 1. Data: two interleaved spirals (class 0 and class 1), generated from a seed: nothing to download.
var (xTrain, yTrain) = Spirals(points: 1000, seed: 1);
var (xTest, yTest) = Spirals(points: 400, seed: 2);
Console.WriteLine($"Data: {xTrain.Shape[0]} training and {xTest.Shape[0]} test points of two spirals, x {xTrain.Shape}, y {yTrain.Shape}");

// 2. The model: a Sequential stack of Dense layers.
Sequential NewModel() => new([
    new InputLayer(shape: [2]),
    new Dense(32, activation: "relu"),
    new Dense(32, activation: "relu"),
    new Dense(1, activation: "sigmoid"),
]);
var model = NewModel();
model.Summary();

// 3. Train it: Adam, binary cross-entropy, accuracy; 20% of the training points held out for validation.
model.Compile(optimizer: new Adam(learningRate: 0.01), loss: new BinaryCrossentropy(), metrics: ["accuracy"]);
var history = model.Fit(xTrain, yTrain, batchSize: 32, epochs: 40, validationSplit: 0.2);
Console.WriteLine($"Final training loss {history["loss"][^1]:F4}, validation accuracy {history["val_accuracy"][^1]:F4}");

// 4. Evaluate on the test spirals.
var scores = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"Test loss {scores["loss"]:F4}, test accuracy {scores["accuracy"]:F4}");

// 5. Save a checkpoint of the model and its optimizer (weights, Adam's moments, step counter).
var dir = Path.Combine(Path.GetTempPath(), "layergen-quickstart");
Directory.CreateDirectory(dir);
var prefix = new Checkpoint { ["model"] = model, ["optimizer"] = model.Optimizer! }.Write(Path.Combine(dir, "spirals"));
Console.WriteLine($"Saved {Checkpoint.ListVariables(prefix).Count} tensors to {Path.GetFileName(prefix)}.index / .data-00000-of-00001");

// 6. Restore into a fresh model and optimizer, and compare predictions.
var restored = NewModel();
restored.Compile(optimizer: new Adam(learningRate: 0.01), loss: new BinaryCrossentropy(), metrics: ["accuracy"]);
new Checkpoint { ["model"] = restored, ["optimizer"] = restored.Optimizer! }.Restore(prefix).AssertConsumed();
var before = model.Predict(xTest, verbose: 0);
var after = restored.Predict(xTest, verbose: 0);
float maxDiff = Ops.Max(Ops.Abs(before - after)).ToScalar<float>();
Console.WriteLine($"Restored optimizer step: {restored.Optimizer!.Iterations.ToScalar<long>()}");
Console.WriteLine($"Predictions of the first 5 test points: {Format(before[0..5])}");
Console.WriteLine($"Restored model, same points:            {Format(after[0..5])}");
Console.WriteLine(maxDiff == 0 ? "The restored model predicts exactly the same values." : $"The predictions differ by up to {maxDiff}");
Directory.Delete(dir, recursive: true);

static string Format(Tensor t) => string.Join(" ", t.ToFloatArray().Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));

// Two spirals of `points` points in total, with a little noise; labels 0 and 1 (shape [points, 1]).
static (Tensor X, Tensor Y) Spirals(int points, int seed)
{
    var random = new RandomGenerator(seed);
    int perClass = points / 2;
    var x = new float[perClass * 2, 2];
    var y = new float[perClass * 2, 1];
    for (int c = 0; c < 2; c++)
    {
        for (int i = 0; i < perClass; i++)
        {
            double t = (double)i / perClass;
            double radius = 0.2 + 4.0 * t;
            double angle = 3.0 * Math.PI * t + c * Math.PI;
            int row = 2 * i + c; // interleave the classes
            x[row, 0] = (float)(radius * Math.Cos(angle) + 0.1 * (random.NextDouble() - 0.5));
            x[row, 1] = (float)(radius * Math.Sin(angle) + 0.1 * (random.NextDouble() - 0.5));
            y[row, 0] = c;
        }
    }
    // Shuffle the rows, so that validationSplit (the last 20%) holds points from all along the spirals.
    var order = Tensor.From(random.Permutation(perClass * 2));
    return (Ops.Gather(Tensor.From(x), order), Ops.Gather(Tensor.From(y), order));
}
