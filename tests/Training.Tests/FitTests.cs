using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using LayerGen.Callbacks;
using LayerGen.Formats;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>Compile/Fit/Evaluate/Predict, datasets, callbacks, progress output and TensorBoard files.</summary>
public sealed class FitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lg-fit").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (Tensor X, Tensor Y) Xor() =>
        (Tensor.From(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }), Tensor.From(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } }));

    internal static (Tensor X, Tensor Y) Spirals(int points, int seed)
    {
        var random = new RandomGenerator(seed);
        int perClass = points / 2;
        var x = new float[perClass * 2, 2];
        var y = new float[perClass * 2, 1];
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < perClass; i++)
            {
                double t = (double)i / perClass, radius = 0.2 + 4.0 * t, angle = 3.0 * Math.PI * t + c * Math.PI;
                int row = 2 * i + c;
                x[row, 0] = (float)(radius * Math.Cos(angle) + 0.1 * (random.NextDouble() - 0.5));
                x[row, 1] = (float)(radius * Math.Sin(angle) + 0.1 * (random.NextDouble() - 0.5));
                y[row, 0] = c;
            }
        return (Tensor.From(x), Tensor.From(y));
    }

    private static Sequential Mlp(int inputs, int hidden, string hiddenActivation = "tanh", int outputs = 1, string outActivation = "sigmoid") => new([
        new InputLayer(shape: [inputs]), new Dense(hidden, activation: hiddenActivation), new Dense(outputs, activation: outActivation)]);

    [Fact]
    public void FitLearnsXor()
    {
        RandomGenerator.SetGlobalSeed(3);
        var (x, y) = Xor();
        var model = Mlp(2, 8);
        model.Compile(new Adam(learningRate: 0.05), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 4, epochs: 300, verbose: 0);
        Assert.Equal(300, history.Epoch.Count);
        Assert.True(history["loss"][^1] < 0.1, $"final loss {history["loss"][^1]}");
        Assert.Equal(1.0, history["accuracy"][^1]);
        var p = model.Predict(x, verbose: 0).ToFloatArray();
        Assert.Equal(new float[] { 0, 1, 1, 0 }, p.Select(v => MathF.Round(v)).ToArray());
        var eval = model.Evaluate(x, y, verbose: 0);
        Assert.True(eval["loss"] < 0.1);
        Assert.IsType<Metrics.BinaryAccuracy>(model.CompiledMetrics[0]);
    }

    [Fact]
    public void FitLearnsSpiralsWithValidationAndDataset()
    {
        RandomGenerator.SetGlobalSeed(42);
        var (x, y) = Spirals(1000, 1);
        var model = new Sequential([new InputLayer(shape: [2]), new Dense(32, activation: "relu"), new Dense(32, activation: "relu"), new Dense(1, activation: "sigmoid")]);
        model.Compile(new Adam(learningRate: 0.01), new BinaryCrossentropy(), ["accuracy"]);
        var history = model.Fit(Dataset.FromTensors(x, y).Shuffle(7).Batch(32), epochs: 40, verbose: 0,
            validationData: Dataset.FromTensors(x, y).Batch(128));
        Assert.True(history["loss"][^1] < 0.05, $"final loss {history["loss"][^1]}");
        Assert.True(history["val_accuracy"][^1] > 0.95, $"val accuracy {history["val_accuracy"][^1]}");
        Assert.Equal(40, history["val_loss"].Count);
    }

    [Fact]
    public void ValidationSplitAndTupleAndSparseLabels()
    {
        RandomGenerator.SetGlobalSeed(5);
        var x = Tensor.RandomNormal([40, 3]);
        var labels = Tensor.From(Enumerable.Range(0, 40).Select(i => i % 3).ToArray());
        var model = Mlp(3, 8, "relu", 3, "softmax");
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var h = model.Fit(x, labels, batchSize: 8, epochs: 2, verbose: 0, validationSplit: 0.25);
        Assert.Contains("val_loss", h.Values.Keys);
        Assert.Contains("val_accuracy", h.Values.Keys);
        Assert.IsType<Metrics.SparseCategoricalAccuracy>(model.CompiledMetrics[0]);
        var h2 = model.Fit(x, labels, epochs: 1, verbose: 0, validationData: (x, labels));
        Assert.Single(h2["val_loss"]);
        Assert.Equal(new Shape(40, 3), model.Predict(x, batchSize: 7, verbose: 0).Shape);
    }

    [Fact]
    public void DatasetShufflesAndBatches()
    {
        var x = Tensor.From(Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
        var ds = Dataset.FromTensors(x, x).Shuffle(1).Batch(4);
        Assert.Equal(3, ds.Cardinality);
        var first = ds.SelectMany(b => b.X.ToFloatArray()).ToArray();
        var second = ds.SelectMany(b => b.X.ToFloatArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), first.Order());
        Assert.NotEqual(first, second); // reshuffled on each pass
        Assert.All(ds, b => Assert.Equal(b.X.ToFloatArray(), b.Y!.ToFloatArray()));
        Assert.Equal(2, Dataset.FromTensors(x).Batch(4, dropRemainder: true).Cardinality);
    }

    [Fact]
    public void OnBatchMethodsSampleWeightsRegularizersConstraints()
    {
        var (x, y) = Xor();
        var dense = new Dense(1, kernelRegularizer: Regularizers.L2(0.5), kernelConstraint: Constraints.NonNeg());
        var model = new Sequential([new InputLayer(shape: [2]), dense]);
        model.Compile(new SGD(learningRate: 0.1), "mse");
        dense.Kernel!.Assign(Tensor.From(new float[,] { { 1 }, { -1 } }));
        var pred = model.PredictOnBatch(x);
        double mse = Ops.Mean(Ops.Square(pred - y)).ToScalar<float>();
        var test = model.TestOnBatch(x, y);
        Assert.Equal(mse + 0.5 * 2, test["loss"], 5); // the L2 penalty joins the loss

        var before = dense.Kernel.ToFloatArray();
        var zero = model.TrainOnBatch(x, y, sampleWeight: Tensor.Zeros([4]));
        Assert.Equal(0.5 * 2, zero["loss"], 5);
        var after = dense.Kernel.ToFloatArray();
        Assert.All(after, v => Assert.True(v >= 0));           // NonNeg applied after the update
        Assert.Equal(before[0] - 0.1f * 0.5f * 2 * before[0], after[0], 5); // only the penalty's gradient moved it
    }

    [Fact]
    public void ClassWeightsScaleTheLoss()
    {
        var x = Tensor.From(new float[,] { { 1 }, { 1 } });
        var y = Tensor.From(new float[,] { { 0 }, { 1 } });
        var model = new Sequential([new InputLayer(shape: [1]), new Dense(1, kernelInitializer: Initializers.Zeros())]);
        model.Compile(new SGD(learningRate: 0), "mse");
        var plain = model.TrainOnBatch(x, y)["loss"];
        var weighted = model.TrainOnBatch(x, y, classWeight: new Dictionary<int, double> { [0] = 1, [1] = 3 })["loss"];
        Assert.Equal(0.5, plain, 6);
        Assert.Equal(1.5, weighted, 6); // (0 * 1 + 1 * 3) / 2
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatience()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new SGD(learningRate: 0), "mse");
        var stop = new EarlyStopping(monitor: "loss", patience: 2);
        // No shuffling: with lr = 0 the epoch loss must be the same number every epoch. Shuffled, the batch's mean
        // is summed in another order and can come out one ulp lower, which EarlyStopping (as Keras's) counts as
        // an improvement: the test then failed now and then.
        var history = model.Fit(x, y, epochs: 20, verbose: 0, callbacks: [stop], shuffle: false);
        Assert.Equal(2, stop.StoppedEpoch);
        Assert.Equal(3, history.Epoch.Count);
    }

    [Fact]
    public void EarlyStoppingRestoresBestWeights()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new SGD(learningRate: 0.5), "mse");
        var weights = new List<float[]>();
        var record = new LambdaCallback(onEpochEnd: (_, _) => weights.Add(model.GetWeights()[0].ToFloatArray()));
        var stop = new EarlyStopping(monitor: "loss", patience: 1, mode: "max", restoreBestWeights: true);
        model.Fit(x, y, epochs: 10, verbose: 0, callbacks: [record, stop]);
        Assert.True(stop.StoppedEpoch > 0);
        Assert.Equal(weights[stop.BestEpoch], model.GetWeights()[0].ToFloatArray());
    }

    [Fact]
    public void ReduceLROnPlateauAndScheduler()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new SGD(learningRate: 1e-9), "mse");
        var history = model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [new ReduceLROnPlateau(monitor: "loss", patience: 1, factor: 0.1)]);
        Assert.Equal(1e-11, model.Optimizer!.LearningRate, 1e-16); // reduced after epochs 1 and 2 (patience 1, no cooldown)
        Assert.Equal(1e-9, history["learning_rate"][0], 1e-15);
        Assert.Equal(1e-10, history["learning_rate"][2], 1e-15);

        model.Compile(new SGD(learningRate: 0.1), "mse");
        var h2 = model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [new LearningRateScheduler((epoch, lr) => 0.1 / (epoch + 1))]);
        Assert.Equal(0.1 / 3, model.Optimizer!.LearningRate, 6);
        Assert.Equal(0.05, h2["learning_rate"][1], 6);
    }

    [Fact]
    public void CsvLoggerTerminateOnNaNAndLambda()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new SGD(learningRate: 0.1), "mse", ["mae"]);
        var csv = Path.Combine(_dir, "log.csv");
        int epochs = 0;
        model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [new CSVLogger(csv), new LambdaCallback(onEpochEnd: (_, _) => epochs++)]);
        Assert.Equal(3, epochs);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("epoch,loss,mae", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("2,", lines[3]);

        var nanY = Tensor.From(new float[,] { { float.NaN }, { 1 }, { 1 }, { 0 } });
        var terminate = new TerminateOnNaN();
        var h = model.Fit(x, nanY, batchSize: 2, epochs: 5, verbose: 0, shuffle: false, callbacks: [terminate]);
        Assert.Equal(0, terminate.StoppedBatch);
        Assert.Single(h.Epoch);
    }

    [Fact]
    public void ModelCheckpointSavesModelAndOptimizer()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new Adam(learningRate: 0.01), "mse");
        var cb = new ModelCheckpoint(Path.Combine(_dir, "ckpt-{epoch:02d}-{loss:.3f}"), monitor: "loss", saveBestOnly: true);
        model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [cb]);
        Assert.Equal(3, cb.Saved.Count); // Adam lowers the loss every epoch here
        Assert.Matches(@"ckpt-03-0\.\d{3}$", cb.Saved[^1]);
        Assert.True(File.Exists(cb.Saved[^1] + ".index"));
        var keys = Checkpoint.ListVariables(cb.Saved[^1]).Select(v => v.Key).ToList();
        Assert.Contains("optimizer/iteration/.ATTRIBUTES/VARIABLE_VALUE", keys);
        Assert.Contains(keys, k => Regex.IsMatch(k, "^optimizer/layers/dense[_0-9]*/kernel/momentum/.ATTRIBUTES/VARIABLE_VALUE$"));

        var fresh = Mlp(2, 4);
        fresh.Compile(new Adam(learningRate: 0.01), "mse");
        new Checkpoint { ["model"] = fresh, ["optimizer"] = fresh.Optimizer! }.Restore(cb.Saved[^1]).AssertConsumed();
        Assert.Equal(3L, fresh.Optimizer!.Iterations.ToScalar<long>());
        Assert.Equal(model.Predict(x, verbose: 0).ToFloatArray(), fresh.Predict(x, verbose: 0).ToFloatArray());
    }

    [Fact]
    public void CustomTrainStep()
    {
        var (x, y) = Xor();
        var model = new CountingModel();
        model.Compile(new SGD(learningRate: 0.1), "mse");
        model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0);
        Assert.Equal(4, model.Steps);
    }

    private sealed class CountingModel : Sequential
    {
        public CountingModel() : base([new InputLayer(shape: [2]), new Dense(1)]) { }
        public int Steps { get; private set; }
        public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        {
            Steps++;
            return base.TrainStep(x, y, sampleWeight);
        }
    }

    [Fact]
    public void ProgressLinesFollowKeras()
    {
        var sw = new StringWriter();
        var bar = new Progbar(32, verbose: 1, output: sw, dynamicDisplay: false);
        bar.Update(12, new Dictionary<string, double> { ["loss"] = 0.23, ["accuracy"] = 0.91 });
        Assert.Equal("", sw.ToString()); // redirected: only the final line
        bar.Update(32, new Dictionary<string, double> { ["loss"] = 0.23, ["accuracy"] = 0.91 }, finalize: true);
        Assert.Matches(new Regex(@"^32/32 ━{20} \d+s \d+(us|ms|s)/step - accuracy: 0\.9100 - loss: 0\.2300\n$"), sw.ToString());

        var v2 = new StringWriter();
        new Progbar(5, verbose: 2, output: v2).Update(5, new Dictionary<string, double> { ["loss"] = 0.0001234 }, finalize: true);
        Assert.Matches(new Regex(@"^5/5 - \d+s - \d+(us|ms|s)/step - loss: 1\.2340e-04\n$"), v2.ToString());

        var tty = new StringWriter();
        var dyn = new Progbar(32, verbose: 1, output: tty, dynamicDisplay: true);
        dyn.Update(12, new Dictionary<string, double> { ["loss"] = 0.5 });
        Assert.StartsWith("\r\u001b[1m12/32\u001b[0m \u001b[32m━━━━━━━\u001b[0m\u001b[37m━━━━━━━━━━━━━\u001b[0m", tty.ToString());
    }

    [Fact]
    public void TensorBoardEventFilesReadBackWithValidCrcs()
    {
        var (x, y) = Xor();
        var model = Mlp(2, 4);
        model.Compile(new SGD(learningRate: 0.1), "mse");
        var logDir = Path.Combine(_dir, "tb");
        var tb = new TensorBoard(logDir);
        model.Fit(x, y, epochs: 3, verbose: 0, validationData: (x, y), callbacks: [tb]);
        var trainFile = Assert.Single(Directory.GetFiles(Path.Combine(logDir, "train")));
        var valFile = Assert.Single(Directory.GetFiles(Path.Combine(logDir, "validation")));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(trainFile));

        var records = EventFileReader.ReadRecords(trainFile);
        var first = ParseEvent(records[0]);
        Assert.Equal("brain.Event:2", first.FileVersion);
        Assert.True(first.WallTime > 1.6e9);
        var scalars = records.Skip(1).Select(ParseEvent).ToList();
        Assert.Equal(new long[] { 0, 1, 2 }, scalars.Where(e => e.Tag == "epoch_loss").Select(e => e.Step));
        Assert.Equal(3, scalars.Count(e => e.Tag == "epoch_learning_rate"));
        Assert.Equal((float)model.History!["loss"][2], scalars.Last(e => e.Tag == "epoch_loss").Value);
        var val = EventFileReader.ReadRecords(valFile).Skip(1).Select(ParseEvent).ToList();
        Assert.Equal((float)model.History!["val_loss"][1], val.Single(e => e.Tag == "epoch_loss" && e.Step == 1).Value);

        // a flipped byte is caught by the CRC
        var bytes = File.ReadAllBytes(trainFile);
        bytes[^6] ^= 0x40;
        var damaged = Path.Combine(_dir, "damaged");
        File.WriteAllBytes(damaged, bytes);
        Assert.Throws<InvalidDataException>(() => EventFileReader.ReadRecords(damaged));
    }

    private sealed record Event(double WallTime, long Step, string? FileVersion, string? Tag, float Value);

    // A tiny protobuf reader for Event { wall_time=1 double, step=2 varint, file_version=3 string, summary=5 { value=1 { tag=1, simple_value=2 float } } }.
    private static Event ParseEvent(byte[] data)
    {
        double wall = 0; long step = 0; string? version = null, tag = null; float value = 0;
        void Parse(ReadOnlySpan<byte> span, int depth)
        {
            int pos = 0;
            while (pos < span.Length)
            {
                ulong key = ReadVarint(span, ref pos);
                int field = (int)(key >> 3), wire = (int)(key & 7);
                switch (wire)
                {
                    case 0: { ulong v = ReadVarint(span, ref pos); if (depth == 0 && field == 2) step = (long)v; break; }
                    case 1: { double d = BinaryPrimitives.ReadDoubleLittleEndian(span.Slice(pos, 8)); pos += 8; if (depth == 0 && field == 1) wall = d; break; }
                    case 5: { float f = BinaryPrimitives.ReadSingleLittleEndian(span.Slice(pos, 4)); pos += 4; if (depth == 2 && field == 2) value = f; break; }
                    case 2:
                    {
                        int len = (int)ReadVarint(span, ref pos);
                        var inner = span.Slice(pos, len);
                        pos += len;
                        if (depth == 0 && field == 3) version = Encoding.UTF8.GetString(inner);
                        else if (depth == 0 && field == 5) Parse(inner, 1);
                        else if (depth == 1 && field == 1) Parse(inner, 2);
                        else if (depth == 2 && field == 1) tag = Encoding.UTF8.GetString(inner);
                        break;
                    }
                    default: throw new InvalidDataException($"wire type {wire}");
                }
            }
        }
        Parse(data, 0);
        return new Event(wall, step, version, tag, value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = span[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
    }
}
