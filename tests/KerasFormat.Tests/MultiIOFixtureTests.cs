using System.IO.Compression;
using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Merge layers and models with several inputs and outputs against real Keras: Fixtures/multiio holds the files written
/// by Keras 3.15.1 (numpy backend; Scripts/gen_multiio_fixtures.py): one functional model per merge layer case and a
/// 2-input/2-output model compiled with a list of losses, loss weights and per-output metrics; reference.json their
/// inputs, predictions and configs; train_step.json one <c>train_on_batch</c> of that model run by Keras 3.11.3 on torch
/// (logs and every weight after the step).
/// </summary>
public class MultiIOFixtureTests
{
    private const string Folder = "multiio";

    private static readonly Lazy<JsonObject> ReferenceJson = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("reference.json")))!);

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", Folder, file);

    /// <summary>The merge-layer cases.</summary>
    public static IEnumerable<object[]> MergeCases() => ReferenceJson.Value.Where(kv => kv.Key.StartsWith("merge_", StringComparison.Ordinal)).Select(kv => new object[] { kv.Key });

    /// <summary>A nested JSON list of numbers as a tensor of its nesting's shape.</summary>
    internal static Tensor ToTensor(JsonNode? node)
    {
        var dims = new List<int>();
        for (var n = node; n is JsonArray a; n = a.Count > 0 ? a[0] : null) dims.Add(((JsonArray)n).Count);
        return Tensor.From<float>(Fixture.Flat(node), new Shape([.. dims]));
    }

    private static Tensor[] Tensors(JsonNode? list) => [.. ((JsonArray)list!).Select(ToTensor)];

    private static void Close(Tensor expected, Tensor actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Fixture.Close(expected.ToArray<float>(), actual.ToArray<float>(), tol);
    }

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void MergeModelLoadsAndPredictsAsKeras(string name)
    {
        var c = (JsonObject)ReferenceJson.Value[name]!;
        var model = Model.Load(PathOf(name + ".keras"));
        var x = Tensors(c["x"]);
        var y = model.Invoke(x);
        Close(ToTensor(((JsonArray)c["y"]!)[0]), Assert.Single(y));

        var layer = model.Layers[^1];
        Assert.True(JsonNode.DeepEquals(c["layer_config"], layer.GetConfig()), $"config {layer.GetConfig().ToJsonString()} != Keras {c["layer_config"]!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(c["build_config"], layer.BuildConfig), $"build_config {layer.BuildConfig?.ToJsonString()} != Keras {c["build_config"]!.ToJsonString()}");

        // LayerGen's own file: the list argument and the list build_config survive, and so do the predictions.
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        var again = Model.Load(ms);
        Close(ToTensor(((JsonArray)c["y"]!)[0]), Assert.Single(again.Invoke(x)));
        var node = ((JsonArray)((JsonObject)((JsonArray)again.GetConfig()["layers"]!)[^1]!)["inbound_nodes"]!)[0]!;
        Assert.IsType<JsonArray>(((JsonArray)node["args"]!)[0]); // "args": [[t1, t2]], as Keras writes a list call
    }

    [Fact]
    public void TwoInTwoOutModelLoadsCompiledAndPredictsAsKeras()
    {
        var c = (JsonObject)ReferenceJson.Value["two_in_two_out"]!;
        var model = Model.Load(PathOf("two_in_two_out.keras"));
        Assert.Equal(["in_a", "in_b"], model.InputNames);
        Assert.Equal(["dense_1", "dense_2"], model.OutputNames);
        Assert.True(model.IsCompiled);
        Assert.IsType<Adam>(model.Optimizer);
        Assert.Collection(model.OutputLosses!, l => Assert.IsType<LayerGen.Losses.MeanSquaredError>(l), l => Assert.IsType<CategoricalCrossentropy>(l));
        Assert.Equal([1.0, 0.5], model.LossWeights!);
        Assert.Equal(["mae"], model.OutputMetrics![0].Select(m => m.Name));
        Assert.Equal(["accuracy"], model.OutputMetrics![1].Select(m => m.Name));

        var x = Tensors(c["x"]);
        var y = model.Predict(x, verbose: 0);
        Assert.Equal(2, y.Length);
        Close(ToTensor(((JsonArray)c["y"]!)[0]), y[0]);
        Close(ToTensor(((JsonArray)c["y"]!)[1]), y[1]);
        var byName = model.Predict(new Dictionary<string, Tensor> { ["in_b"] = x[1], ["in_a"] = x[0] }, verbose: 0);
        Close(y[0], byName[0], 0);

        // LayerGen writes the compile config per output as Keras does, and reads it back.
        using var saved = new MemoryStream();
        model.Save(saved);
        saved.Position = 0;
        JsonObject compile;
        using (var zip = new ZipArchive(saved, ZipArchiveMode.Read, leaveOpen: true))
        using (var r = new StreamReader(zip.GetEntry("config.json")!.Open()))
            compile = (JsonObject)JsonNode.Parse(r.ReadToEnd())!["compile_config"]!;
        Assert.Equal(2, ((JsonArray)compile["loss"]!).Count);
        Assert.True(JsonNode.DeepEquals(new JsonArray(1.0, 0.5), compile["loss_weights"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[["mae"], ["accuracy"]]"""), compile["metrics"]), compile["metrics"]!.ToJsonString());
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        var again = Model.Load(ms);
        Assert.Equal([1.0, 0.5], again.LossWeights!);
        Close(y[1], again.Predict(x, verbose: 0)[1], 0);
    }

    [Fact]
    public void OneTrainOnBatchGivesKerasTorchWeights()
    {
        var step = (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("train_step.json")))!;
        var model = Model.Load(PathOf("two_in_two_out.keras"));
        var logs = model.TrainOnBatch(Tensors(step["x"]), Tensors(step["y"]));
        var kerasLogs = (JsonObject)step["logs"]!;
        Assert.Equal(kerasLogs.Select(kv => kv.Key).Order(), logs.Keys.Order());
        foreach (var (key, value) in kerasLogs)
            Assert.True(Math.Abs(value!.GetValue<double>() - logs[key]) < 1e-4, $"{key}: Keras {value} LayerGen {logs[key]}");
        var weights = (JsonObject)step["weights"]!;
        foreach (var layer in model.Layers.Where(l => l.Variables.Count > 0))
            foreach (var v in layer.Variables)
            {
                var expected = ToTensor(weights[layer.Name + "/" + v.Name]);
                Close(expected, v.Value(), 1e-5f);
            }
    }

    [Fact]
    public void DictionaryCompiledModelWritesDictionariesAndOneFitEpochGivesKerasTorchWeights()
    {
        // Keras 3.15.1 compiled it with dictionaries of losses, loss weights and metrics (keyed by output name).
        var c = (JsonObject)ReferenceJson.Value["two_in_two_out_dict"]!;
        var model = Model.Load(PathOf("two_in_two_out_dict.keras"));
        Assert.Equal(["out_reg", "out_cls"], model.OutputNames);
        Assert.Equal([2.0, 0.5], model.LossWeights!);
        var x = Tensors(c["x"]);
        var y = model.Predict(x, verbose: 0);
        Close(ToTensor(((JsonArray)c["y"]!)[0]), y[0]);
        Close(ToTensor(((JsonArray)c["y"]!)[1]), y[1]);

        // LayerGen writes them back as Keras did: dictionaries with the same keys in the same order.
        var compile = SavedCompileConfig(model);
        var keras = (JsonObject)c["compile_config"]!;
        foreach (var key in new[] { "loss", "loss_weights", "metrics", "weighted_metrics" })
            Assert.True(JsonNode.DeepEquals(keras[key], compile[key]), $"{key}: LayerGen {compile[key]?.ToJsonString()} != Keras {keras[key]?.ToJsonString()}");

        // A model compiled in C# with dictionaries writes dictionaries too (only the outputs given), and reads them back.
        var again = Model.Load(PathOf("two_in_two_out_dict.keras"), compile: false);
        again.Compile(new SGD(), loss: new Dictionary<string, Loss> { ["out_cls"] = "categorical_crossentropy" },
            lossWeights: new Dictionary<string, double> { ["out_cls"] = 0.25 });
        var written = SavedCompileConfig(again);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"out_cls": "categorical_crossentropy"}"""), written["loss"]), written["loss"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"out_cls": 0.25}"""), written["loss_weights"]), written["loss_weights"]!.ToJsonString());
        Assert.Null(written["metrics"]);
        using (var ms = new MemoryStream())
        {
            again.Save(ms);
            ms.Position = 0;
            var reread = Model.Load(ms);
            Assert.Equal([1.0, 0.25], reread.LossWeights!);
            Assert.Null(reread.OutputLosses![0]);
            Assert.True(JsonNode.DeepEquals(written["loss"], SavedCompileConfig(reread)["loss"]));
        }

        // One Fit epoch (one batch of 6, no shuffling) with dictionary validation data, continued from the same file on
        // Keras 3.11.3 (torch): same logs (val_ included) and weights. class_weight with dictionary targets: Keras's error.
        var fit = (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("fit_dict.json")))!;
        var trained = Model.Load(PathOf("two_in_two_out_dict.keras"));
        Dictionary<string, Tensor> Inputs(JsonNode? n) { var t = Tensors(n); return new() { ["in_a"] = t[0], ["in_b"] = t[1] }; }
        Dictionary<string, Tensor> Targets(JsonNode? n) { var t = Tensors(n); return new() { ["out_reg"] = t[0], ["out_cls"] = t[1] }; }
        var e = Assert.Throws<ArgumentException>(() => trained.Fit(Inputs(fit["x"]), Targets(fit["y"]), verbose: 0, classWeight: new Dictionary<int, double> { [0] = 1, [1] = 2 }));
        Assert.StartsWith(fit["class_weight_error"]!.GetValue<string>(), e.Message);
        var history = trained.Fit(Inputs(fit["x"]), Targets(fit["y"]), batchSize: 6, epochs: 1, verbose: 0, shuffle: false,
            validationData: (Inputs(fit["validation_x"]), Targets(fit["validation_y"])));
        var kerasLogs = (JsonObject)fit["logs"]!;
        Assert.Equal(kerasLogs.Select(kv => kv.Key).Order(), history.Values.Keys.Order());
        foreach (var (key, value) in kerasLogs)
            Assert.True(Math.Abs(value!.GetValue<double>() - history.Values[key][^1]) < 1e-4, $"{key}: Keras {value} LayerGen {history.Values[key][^1]}");
        var weights = (JsonObject)fit["weights"]!;
        foreach (var layer in trained.Layers.Where(l => l.Variables.Count > 0))
            foreach (var v in layer.Variables)
                Close(ToTensor(weights[layer.Name + "/" + v.Name]), v.Value(), 1e-5f);
    }

    private static JsonObject SavedCompileConfig(Model model)
    {
        using var saved = new MemoryStream();
        model.Save(saved);
        saved.Position = 0;
        using var zip = new ZipArchive(saved, ZipArchiveMode.Read);
        using var r = new StreamReader(zip.GetEntry("config.json")!.Open());
        return (JsonObject)JsonNode.Parse(r.ReadToEnd())!["compile_config"]!;
    }

    [Fact]
    public void CompileFalseLoadsAModelWhoseCompileConfigCannotBeRebuilt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"multiio-{Guid.NewGuid():N}.keras");
        try
        {
            File.Copy(PathOf("two_in_two_out.keras"), path);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            {
                var entry = zip.GetEntry("config.json")!;
                JsonObject config;
                using (var r = new StreamReader(entry.Open())) config = (JsonObject)JsonNode.Parse(r.ReadToEnd())!;
                config["compile_config"]!["loss"] = new JsonArray("mse", "my_package>NoSuchLoss");
                entry.Delete();
                using var w = new StreamWriter(zip.CreateEntry("config.json").Open());
                w.Write(config.ToJsonString());
            }
            var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
            Assert.Contains("NoSuchLoss", e.Message);
            Assert.Contains("Model.Load(path, compile: false)", e.Message);

            var model = Model.Load(path, compile: false);
            Assert.False(model.IsCompiled);
            var c = (JsonObject)ReferenceJson.Value["two_in_two_out"]!;
            Close(ToTensor(((JsonArray)c["y"]!)[0]), model.Predict(Tensors(c["x"]), verbose: 0)[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Writes LayerGen's own files for the reverse check (Keras loads them: gen_multiio_fixtures.py --check DIR) when
    /// LAYERGEN_MULTIIO_OUT names a folder; always checks that they round-trip in LayerGen.
    /// </summary>
    [Fact]
    public void LayerGenFilesForKeras()
    {
        string? outDir = Environment.GetEnvironmentVariable("LAYERGEN_MULTIIO_OUT");
        var dir = outDir ?? Path.Combine(Path.GetTempPath(), $"multiio-out-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            Keras.ClearSession();
            var a = Keras.Input([4], name: "in_a");
            var b = Keras.Input([3], name: "in_b");
            var ha = new Dense(5, activation: "relu").Invoke(a);
            var hb = new Dense(5, activation: "tanh").Invoke(b);
            var joined = new Concatenate().Invoke([ha, hb]);
            var summed = new Add().Invoke([ha, hb]);
            var product = new Multiply().Invoke([ha, hb]);
            var dot = new Dot(axes: 1, normalize: true).Invoke([ha, hb]);
            var mixed = new Concatenate().Invoke([joined, new Subtract().Invoke([summed, product]), new Average().Invoke([ha, hb]),
                new Maximum().Invoke([ha, hb]), new Minimum().Invoke([ha, hb]), dot]);
            var out1 = new Dense(2) { Name = "out_reg" }.Invoke(mixed);
            var out2 = new Dense(3, activation: "softmax") { Name = "out_cls" }.Invoke(summed);
            var model = new Model([a, b], [out1, out2]);
            model.Compile(new Adam(learningRate: 0.01), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5],
                metrics: [["mae"], ["accuracy"]]);
            var x = new[] { Tensor.RandomNormal([3, 4], generator: new RandomGenerator(1)), Tensor.RandomNormal([3, 3], generator: new RandomGenerator(2)) };
            var y = model.Predict(x, verbose: 0);
            model.Save(Path.Combine(dir, "layergen_two_in_two_out.keras"));
            var json = new JsonObject
            {
                ["x"] = new JsonArray([.. x.Select(ToJson)]),
                ["y"] = new JsonArray([.. y.Select(ToJson)]),
            };
            File.WriteAllText(Path.Combine(dir, "layergen_two_in_two_out.json"), json.ToJsonString());

            var again = Model.Load(Path.Combine(dir, "layergen_two_in_two_out.keras"));
            var y2 = again.Predict(x, verbose: 0);
            Close(y[0], y2[0], 0);
            Close(y[1], y2[1], 0);
            Assert.Equal([1.0, 0.5], again.LossWeights!);

            // The same model compiled with dictionaries (written as dictionaries, as Keras does).
            model.Compile(new Adam(learningRate: 0.01), loss: new Dictionary<string, Loss> { ["out_cls"] = "categorical_crossentropy", ["out_reg"] = "mse" },
                lossWeights: new Dictionary<string, double> { ["out_reg"] = 2.0, ["out_cls"] = 0.5 },
                metrics: new Dictionary<string, IReadOnlyList<Metric>> { ["out_reg"] = ["mae"] });
            model.Save(Path.Combine(dir, "layergen_two_in_two_out_dict.keras"));
            File.WriteAllText(Path.Combine(dir, "layergen_two_in_two_out_dict.json"), json.ToJsonString());
            var dict = Model.Load(Path.Combine(dir, "layergen_two_in_two_out_dict.keras"));
            Assert.Equal([2.0, 0.5], dict.LossWeights!);
            Assert.Equal(["mae"], dict.OutputMetrics![0].Select(m => m.Name));
            Assert.Empty(dict.OutputMetrics![1]);
        }
        finally
        {
            if (outDir is null) Directory.Delete(dir, recursive: true);
        }
    }

    private static JsonNode ToJson(Tensor t)
    {
        var values = t.ToArray<float>();
        int cols = t.Shape[^1];
        var rows = new JsonArray();
        for (int r = 0; r < values.Length / cols; r++)
            rows.Add((JsonNode)new JsonArray([.. values.Skip(r * cols).Take(cols).Select(v => (JsonNode?)JsonValue.Create((double)v))]));
        return rows;
    }
}
