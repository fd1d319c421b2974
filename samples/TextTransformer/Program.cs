// LayerGen TextTransformer: a transformer encoder that classifies short sentences (keras.io's "Text classification
// with Transformer", on a task the sample makes itself: reviews whose sentiment a negation flips). Token and position
// embeddings, one encoder block (MultiHeadAttention, residual Adds, LayerNormalization, feed-forward), global average
// pooling and a softmax classifier; trained with Keras's progress bar, evaluated, saved to text_transformer.keras,
// reloaded (same predictions), exported to text_transformer.onnx and checked with ONNX Runtime.
//
//   dotnet run -c Release --project samples/TextTransformer [-- --epochs N]
using System.Diagnostics;
using System.Globalization;
using LayerGen;
using LayerGen.Losses;
using LayerGen.Optimizers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

int epochs = 6;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--epochs") epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else { Console.Error.WriteLine($"unknown option {args[i]} (use --epochs N)"); return 2; }
}
RandomGenerator.SetGlobalSeed(7);

// 1. The data: 4,000 training and 1,000 test sentences of up to 10 words, padded with id 0.
var (xTrain, yTrain, _) = Reviews.Make(4000, seed: 1);
var (xTest, yTest, testText) = Reviews.Make(1000, seed: 2);
Console.WriteLine($"{Reviews.Vocabulary.Length} words; x_train {xTrain.Shape} {xTrain.DType}, x_test {xTest.Shape}; e.g. \"{testText[0]}\"");

// 2. The model: keras.io's TokenAndPositionEmbedding + TransformerBlock, written with the functional API.
const int Width = 32, Heads = 2, FeedForward = 64;
var tokens = Keras.Input([Reviews.SequenceLength], dtype: DType.Int32, name: "tokens");
var x = new Embedding(Reviews.Vocabulary.Length, Width).Invoke(tokens);
x = new PositionEmbedding(Reviews.SequenceLength).Invoke(x);
var attention = new MultiHeadAttention(numHeads: Heads, keyDim: Width / Heads).Invoke(x, x);   // self-attention
x = new LayerNormalization(epsilon: 1e-6).Invoke(new Add().Invoke([x, attention]));
var ff = new Dense(FeedForward, activation: "relu").Invoke(x);
ff = new Dense(Width).Invoke(ff);
x = new LayerNormalization(epsilon: 1e-6).Invoke(new Add().Invoke([x, ff]));
x = new GlobalAveragePooling1D().Invoke(x);
var outputs = new Dense(2, activation: "softmax").Invoke(x);
var model = new Model(tokens, outputs);
model.Summary();

// 3. Train: Adam, sparse categorical cross-entropy, accuracy; the last 10 % of the training sentences validate.
model.Compile(optimizer: new Adam(learningRate: 2e-3), loss: new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
var clock = Stopwatch.StartNew();
model.Fit(xTrain, yTrain, batchSize: 32, epochs: epochs, validationSplit: 0.1);
Console.WriteLine($"Trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s");

// 4. Evaluate on the test sentences, and show a few.
var scores = model.Evaluate(xTest, yTest, verbose: 0);
double accuracy = scores["accuracy"];
Console.WriteLine($"Test loss: {scores["loss"]:F4}");
Console.WriteLine($"Test accuracy: {accuracy:F4}");
foreach (var sentence in new[] { "the movie was good", "the movie was not good", "honestly the plot was never really boring", "my book seemed quite dull" })
{
    float p = model.Predict(Reviews.Encode(sentence), verbose: 0).ToArray<float>()[1];
    Console.WriteLine($"  \"{sentence}\": {(p >= 0.5f ? "positive" : "negative")} ({p:P1} positive)");
}

// 5. Save, reload, compare.
model.Save("text_transformer.keras");
var reloaded = Model.Load("text_transformer.keras");
var predictions = model.Predict(xTest, batchSize: 250, verbose: 0);
var reloadedPredictions = reloaded.Predict(xTest, batchSize: 250, verbose: 0);
float reloadDiff = Ops.Max(Ops.Abs(predictions - reloadedPredictions)).ToScalar<float>();
Console.WriteLine($"Saved text_transformer.keras ({new FileInfo("text_transformer.keras").Length / 1024} KiB); the reloaded model's predictions "
    + (reloadDiff == 0 ? "are identical" : $"differ by up to {reloadDiff:G3}"));

// 6. Export to ONNX and run it in ONNX Runtime on the test sentences.
var graph = TensorFunction.Trace(reloaded.PredictStep, "text_transformer")
    .GetConcreteFunction(new TensorSpec(new Shape(-1, Reviews.SequenceLength), DType.Int32)).Graph;
graph.SaveOnnx("text_transformer.onnx", "text_transformer");
using var session = new InferenceSession("text_transformer.onnx");
int rows = xTest.Shape[0];
var feed = NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<int>(xTest.ToArray<int>(), [rows, Reviews.SequenceLength]));
using var results = session.Run([feed]);
var onnxOut = results.First().AsEnumerable<float>().ToArray();
var probabilities = predictions.ToArray<float>();
double onnxDiff = 0;
int agree = 0;
for (int r = 0; r < rows; r++)
{
    for (int c = 0; c < 2; c++) onnxDiff = Math.Max(onnxDiff, Math.Abs(onnxOut[r * 2 + c] - probabilities[r * 2 + c]));
    if (onnxOut[r * 2 + 1] > onnxOut[r * 2] == probabilities[r * 2 + 1] > probabilities[r * 2]) agree++;
}
Console.WriteLine($"Exported text_transformer.onnx; ONNX Runtime on {rows} test sentences: max difference {onnxDiff:G3}, same class for {agree}/{rows}");

// The run fails only when the saved or exported model disagrees with the trained one.
bool ok = reloadDiff == 0 && onnxDiff < 1e-4 && agree == rows;
Console.WriteLine(ok ? "OK" : "FAILED: the reloaded model or the ONNX export does not predict what the trained model predicts");
return ok ? 0 : 1;
