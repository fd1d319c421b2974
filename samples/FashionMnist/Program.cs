// LayerGen FashionMnist: keras.io's "Simple MNIST convnet" on Fashion-MNIST. Loads Debian's dataset files,
// trains the convnet with Keras's progress bar and a validation split, draws the training curves (curves.svg,
// curves.png) and the model (model.png, with Graphviz), evaluates it on the test set, saves it to fashion.keras,
// reloads it (same predictions), exports fashion.onnx and checks it with ONNX Runtime.
//
//   dotnet run -c Release --project samples/FashionMnist [-- --epochs N] [--data DIRECTORY]
using System.Diagnostics;
using System.Globalization;
using LayerGen;
using LayerGen.Datasets;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;
using LayerGen.Plotting;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

int epochs = 5;
int batchSize = 32;           // Keras's default: 5 epochs of 128 stop near 0.88-0.89 test accuracy
double learningRate = 0.003;  // the start of a cosine decay to 0 over the run
string? dataDirectory = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--epochs") epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--batch-size") batchSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--learning-rate") learningRate = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--data") dataDirectory = args[i + 1];
    else { Console.Error.WriteLine($"unknown option {args[i]} (use --epochs N, --batch-size B, --learning-rate R, --data DIRECTORY)"); return 2; }
}
RandomGenerator.SetGlobalSeed(16);

// 1. The data: 60,000 training and 10,000 test images of 28×28 pixels in [0, 1], labels 0..9.
ImageClassificationData data;
try { data = FashionMnist.Load(dataDirectory); }
catch (DatasetNotFoundException e) { Console.Error.WriteLine(e.Message); return 1; }
var ((xTrain, yTrain), (xTest, yTest)) = data;
xTrain = Ops.ExpandDims(xTrain, -1);   // (60000, 28, 28, 1): channels last, as Conv2D expects
xTest = Ops.ExpandDims(xTest, -1);
Console.WriteLine($"x_train {xTrain.Shape}, y_train {yTrain.Shape}, x_test {xTest.Shape}, y_test {yTest.Shape}");

// 2. The model.
var model = new Sequential([
    new InputLayer(shape: [28, 28, 1]),
    new Conv2D(32, kernelSize: 3, activation: "relu"),
    new MaxPooling2D(poolSize: [2, 2]),
    new Conv2D(64, kernelSize: 3, activation: "relu"),
    new MaxPooling2D(poolSize: [2, 2]),
    new Flatten(),
    new Dropout(0.5),
    new Dense(10, activation: "softmax"),
]);
model.Summary();
// keras.utils.plot_model: the layers as boxes with their shapes, drawn by Graphviz (the .dot is written without it).
try { model.PlotModel("model.png", showShapes: true, showLayerNames: true); Console.WriteLine("Drew model.png"); }
catch (GraphvizNotFoundException e) { Console.WriteLine(e.Message); }

// 3. Train: Adam with a cosine-decaying learning rate, sparse categorical cross-entropy, accuracy; the last 10 % of
// the training images validate.
long steps = epochs * (long)Math.Ceiling(xTrain.Shape[0] * 0.9 / batchSize);
model.Compile(optimizer: new Adam(schedule: new CosineDecay(learningRate, decaySteps: Math.Max(steps, 1))), loss: new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
var clock = Stopwatch.StartNew();
var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, validationSplit: 0.1);
Console.WriteLine($"Trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalSeconds / Math.Max(epochs, 1):F1} s per epoch)");
// The training curves (loss and accuracy, training and validation, per epoch) from LayerGen.Plotting.
history.PlotTo("curves.svg");
history.PlotTo("curves.png");
Console.WriteLine("Drew curves.svg and curves.png");

// 4. Evaluate on the test set.
var scores = model.Evaluate(xTest, yTest, verbose: 0);
double accuracy = scores["accuracy"];
Console.WriteLine($"Test loss: {scores["loss"]:F4}");
Console.WriteLine($"Test accuracy: {accuracy:F4}");

// 5. Save, reload, compare.
model.Save("fashion.keras");
var reloaded = Model.Load("fashion.keras");
var predictions = model.Predict(xTest, batchSize: 1000, verbose: 0);
var reloadedPredictions = reloaded.Predict(xTest, batchSize: 1000, verbose: 0);
float reloadDiff = Ops.Max(Ops.Abs(predictions - reloadedPredictions)).ToScalar<float>();
Console.WriteLine($"Saved fashion.keras ({new FileInfo("fashion.keras").Length / 1024} KiB); the reloaded model's predictions "
    + (reloadDiff == 0 ? "are identical" : $"differ by up to {reloadDiff:G3}"));

var probabilities = predictions.ToArray<float>();
var labels = yTest.ToArray<int>();
for (int i = 0; i < 5; i++)
{
    int best = ArgMax(probabilities.AsSpan(i * 10, 10));
    Console.WriteLine($"  test image {i}: predicted {FashionMnist.ClassNames[best],-11} ({probabilities[i * 10 + best]:P1}), true {FashionMnist.ClassNames[labels[i]]}");
}

// 6. Export to ONNX and run it in ONNX Runtime.
const int OnnxBatch = 1000;
var graph = TensorFunction.Trace(reloaded.PredictStep, "fashion").GetConcreteFunction(new TensorSpec(new Shape(-1, 28, 28, 1), DType.Float32)).Graph;
graph.SaveOnnx("fashion.onnx", "fashion");
using var session = new InferenceSession("fashion.onnx");
var batch = xTest[0..OnnxBatch];
var feed = NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<float>(batch.ToArray<float>(), [OnnxBatch, 28, 28, 1]));
using var results = session.Run([feed]);
var onnxOut = results.First().AsEnumerable<float>().ToArray();
double onnxDiff = 0;
int agree = 0;
for (int r = 0; r < OnnxBatch; r++)
{
    for (int c = 0; c < 10; c++) onnxDiff = Math.Max(onnxDiff, Math.Abs(onnxOut[r * 10 + c] - probabilities[r * 10 + c]));
    if (ArgMax(onnxOut.AsSpan(r * 10, 10)) == ArgMax(probabilities.AsSpan(r * 10, 10))) agree++;
}
Console.WriteLine($"Exported fashion.onnx; ONNX Runtime on {OnnxBatch} test images: max difference {onnxDiff:G3}, same class for {agree}/{OnnxBatch}");

// The run fails only when the saved or exported model disagrees with the trained one.
bool ok = reloadDiff == 0 && onnxDiff < 1e-4 && agree == OnnxBatch;
Console.WriteLine(ok ? "OK" : "FAILED: the reloaded model or the ONNX export does not predict what the trained model predicts");
return ok ? 0 : 1;

static int ArgMax(ReadOnlySpan<float> row)
{
    int best = 0;
    for (int c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
    return best;
}
