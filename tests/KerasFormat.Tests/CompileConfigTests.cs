using System.Text;
using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Layers;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>compile_config: metrics (strings and metric objects) and schedules, written as Keras writes them and read back.</summary>
public class CompileConfigTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f, 0.3f, -2f, 1.5f, 2f, -1f, 0f], new Shape(4, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 1f, 0f], new Shape(4, 1));

    private static Sequential Classifier()
    {
        Keras.ClearSession();
        return new Sequential([new InputLayer(shape: [3]), new Dense(4, activation: "relu"), new Dense(1, activation: "sigmoid")]);
    }

    private static JsonObject CompileConfigOf(string path) => JsonNode.Parse(Archives.Config(path))!["compile_config"]!.AsObject();

    [Fact]
    public void MetricsAreWrittenAsKerasDoesAndTheLoadedModelIsCompiledWithThem()
    {
        var model = Classifier();
        model.Compile(new Adam(0.01), "binary_crossentropy",
            ["accuracy", "mae", new Precision(threshold: 0.3, name: "p"), new AUC(numThresholds: 50), new BinaryAccuracy(0.7, name: "ba")]);
        model.TrainOnBatch(X, Y); // resolves "accuracy" to BinaryAccuracy
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var metrics = CompileConfigOf(path)["metrics"]!.AsArray();
            Assert.Equal(5, metrics.Count);
            Assert.Equal("accuracy", metrics[0]!.GetValue<string>());
            Assert.Equal("mae", metrics[1]!.GetValue<string>());
            var precision = metrics[2]!.AsObject();
            Assert.Equal("keras.metrics", precision["module"]!.GetValue<string>());
            Assert.Equal("Precision", precision["class_name"]!.GetValue<string>());
            Assert.Null(precision["registered_name"]);
            Assert.Equal("p", precision["config"]!["name"]!.GetValue<string>());
            Assert.Equal(0.3, precision["config"]!["thresholds"]!.GetValue<double>(), 6);
            Assert.Equal("AUC", metrics[3]!["class_name"]!.GetValue<string>());
            Assert.Equal(50, metrics[3]!["config"]!["num_thresholds"]!.GetValue<int>());
            Assert.Equal("BinaryAccuracy", metrics[4]!["class_name"]!.GetValue<string>());
            Assert.Equal(0.7, metrics[4]!["config"]!["threshold"]!.GetValue<double>());

            var loaded = Model.Load(path);
            Assert.Equal(["accuracy", "mae", "p", "auc", "ba"], loaded.CompiledMetrics.Select(m => m.Name));
            Assert.IsType<Precision>(loaded.CompiledMetrics[2]);
            Assert.IsType<AUC>(loaded.CompiledMetrics[3]);
            Assert.Equal(0.7, Assert.IsType<BinaryAccuracy>(loaded.CompiledMetrics[4]).Threshold);
            var expected = model.Evaluate(X, Y, verbose: 0);
            var actual = loaded.Evaluate(X, Y, verbose: 0);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (k, v) in expected) Assert.Equal(v, actual[k]);
            Assert.IsType<BinaryAccuracy>(loaded.CompiledMetrics[0]); // resolved the same way as the original
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("categorical")]
    [InlineData("huber")]
    public void LossArgumentsRoundTrip_SoTrainingContinuesOnTheSameLoss(string kind)
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(4)]);
        LayerGen.Losses.Loss loss = kind switch
        {
            "sparse" => new LayerGen.Losses.SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 2),
            "categorical" => new LayerGen.Losses.CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1, name: "cce"),
            _ => new LayerGen.Losses.Huber(delta: 0.25, reduction: "sum"),
        };
        model.Compile(new SGD(0.1), loss);
        var path = Archives.Temp(".keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(loss.GetConfig().ToJsonString(), loaded.Loss!.GetConfig().ToJsonString());
        Tensor y = kind == "sparse" ? Tensor.From(new[] { 0, 1, 2, 3 }) : Tensor.From<float>([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], new Shape(4, 4));
        Assert.Equal(model.Evaluate(X, y, verbose: 0)["loss"], loaded.Evaluate(X, y, verbose: 0)["loss"]);
    }

    [Fact]
    public void RunEagerlyIsSavedAndLoadedAsKerasDoes()
    {
        foreach (bool eager in new[] { true, false })
        {
            var model = Classifier();
            model.Compile(new Adam(0.01), "binary_crossentropy", runEagerly: eager);
            var path = Archives.Temp(".keras");
            model.Save(path);
            Assert.Equal(eager, CompileConfigOf(path)["run_eagerly"]!.GetValue<bool>());
            Assert.Equal(eager, Model.Load(path).RunEagerly);
        }
    }

    [Fact]
    public void AnAccuracyObjectNamedAccuracyStaysThatObject()
    {
        var model = Classifier();
        model.Compile(new Adam(0.01), "binary_crossentropy", [new BinaryAccuracy(0.8, name: "accuracy")]);
        model.TrainOnBatch(X, Y);
        var path = Archives.Temp(".keras");
        model.Save(path);
        var written = CompileConfigOf(path)["metrics"]!.AsArray()[0]!;
        Assert.Equal("BinaryAccuracy", written["class_name"]!.GetValue<string>());
        Assert.Equal(0.8, Assert.IsType<BinaryAccuracy>(Model.Load(path).CompiledMetrics[0]).Threshold);
    }

    [Fact]
    public void UncompiledMetricsAreNull()
    {
        var model = Classifier();
        model.Compile("sgd", "mse");
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            Assert.Null(CompileConfigOf(path)["metrics"]);
            Assert.Empty(Model.Load(path).CompiledMetrics);
        }
        finally { File.Delete(path); }
    }

    private static string PlainFixture => Fixture.PathOf("keras-3.15.1-numpy", "seq_plain.keras");

    /// <summary>The fixture's uncompiled model with a compile_config spelled the way Keras 3 writes one.</summary>
    private static string WithCompileConfig(string compileConfigJson)
        => Archives.Rewrite(PlainFixture, (n, b) =>
        {
            if (n != "config.json") return b;
            var config = JsonNode.Parse(b)!.AsObject();
            config["compile_config"] = JsonNode.Parse(compileConfigJson);
            return Encoding.UTF8.GetBytes(config.ToJsonString());
        });

    private const string KerasStyle = """
        {"optimizer": {"module": "keras.optimizers", "class_name": "RMSprop", "config": {"name": "rmsprop",
           "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
             "config": {"initial_learning_rate": 0.05, "decay_steps": 10, "decay_rate": 0.9, "staircase": false, "name": "ExponentialDecay"},
             "registered_name": null},
           "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": 1.0, "use_ema": false, "ema_momentum": 0.99,
           "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
           "rho": 0.8, "momentum": 0.5, "epsilon": 1e-07, "centered": true}, "registered_name": null},
         "loss": "mse", "loss_weights": null,
         "metrics": ["mae", {"module": "keras.metrics", "class_name": "MeanSquaredError", "config": {"name": "mean_squared_error", "dtype": "float32"}, "registered_name": null}],
         "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": true}
        """;

    [Fact]
    public void KerasStyleCompileConfigWithScheduleAndMetricObjectsLoads()
    {
        var path = WithCompileConfig(KerasStyle);
        try
        {
            var model = Model.Load(path);
            var opt = Assert.IsType<RMSprop>(model.Optimizer);
            Assert.Equal(0.8, opt.Rho);
            Assert.Equal(0.5, opt.Momentum);
            Assert.True(opt.Centered);
            Assert.Equal(1.0, opt.Clipvalue);
            var schedule = Assert.IsType<ExponentialDecay>(opt.Schedule);
            Assert.Equal(0.05, schedule.InitialLearningRate);
            Assert.Equal(10, schedule.DecaySteps);
            Assert.Equal(0.9, schedule.DecayRate);
            Assert.Null(opt.LearningRateVariable);
            Assert.Equal(["mae", "mean_squared_error"], model.CompiledMetrics.Select(m => m.Name));
            Assert.IsType<LayerGen.Metrics.MeanAbsoluteError>(model.CompiledMetrics[0]);
            Assert.IsType<LayerGen.Metrics.MeanSquaredError>(model.CompiledMetrics[1]);
            // The optimizer config written back is Keras's (same keys and values).
            var written = opt.Serialize()["config"]!.AsObject();
            var original = JsonNode.Parse(KerasStyle)!["optimizer"]!["config"]!.AsObject();
            Assert.Equal(original.Select(p => p.Key).Order(), written.Select(p => p.Key).Order());
            Assert.True(JsonNode.DeepEquals(original["learning_rate"], written["learning_rate"]), written["learning_rate"]!.ToJsonString());
            foreach (var key in new[] { "rho", "momentum", "epsilon", "centered", "clipvalue", "name" })
                Assert.True(JsonNode.DeepEquals(original[key], written[key]), key);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("\"weighted_metrics\": null", "\"weighted_metrics\": [\"mae\"]", "weighted_metrics")]
    [InlineData("\"class_name\": \"RMSprop\"", "\"class_name\": \"Lion\"", "Lion")]
    [InlineData("\"use_ema\": false", "\"use_ema\": true", "use_ema")]
    [InlineData("\"gradient_accumulation_steps\": null", "\"gradient_accumulation_steps\": 4", "gradient_accumulation_steps")]
    [InlineData("\"class_name\": \"ExponentialDecay\"", "\"class_name\": \"CosineDecayRestarts\"", "CosineDecayRestarts")]
    [InlineData("\"class_name\": \"MeanSquaredError\"", "\"class_name\": \"F1Score\"", "F1Score")]
    [InlineData("\"metrics\": [\"mae\",", "\"metrics\": [[\"mae\"],", "metrics per output")]
    public void UnsupportedCompileSettingsAreRefusedWithATypedError(string from, string to, string expected)
    {
        Assert.Contains(from, KerasStyle);
        var path = WithCompileConfig(KerasStyle.Replace(from, to, StringComparison.Ordinal));
        try
        {
            var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
            Assert.Contains(expected, e.Message);
        }
        finally { File.Delete(path); }
    }
}
