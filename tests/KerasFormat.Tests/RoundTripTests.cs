using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Save then load: same predictions, optimizer state and config; the archive's layout is Keras's.</summary>
public class RoundTripTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));

    private static Sequential FixtureLikeSequential()
    {
        Keras.ClearSession();
        return new Sequential([new InputLayer(shape: [3]), new Dense(3, activation: "relu"), new Dense(2)]);
    }

    private static Model Functional()
    {
        Keras.ClearSession();
        var input = Keras.Input([3]);
        var h = new Dense(4, activation: "relu") { Name = "hidden" }.Invoke(input);
        var o = new ScaledDense(2).Invoke(h);
        return new Model(input, o);
    }

    private static Model Subclassed()
    {
        Keras.ClearSession();
        var m = new TwoTowerModel();
        m.Predict(X, verbose: 0);
        return m;
    }

    public static IEnumerable<object[]> Cases() =>
        from kind in new[] { "sequential", "functional", "subclassed" }
        from compiled in new[] { false, true }
        select new object[] { kind, compiled };

    private static Model Make(string kind) => kind switch
    {
        "sequential" => FixtureLikeSequential(),
        "functional" => Functional(),
        _ => Subclassed(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTripKeepsPredictionsOptimizerStateAndConfig(string kind, bool compiled)
    {
        var model = Make(kind);
        if (compiled)
        {
            model.Compile(new Adam(learningRate: 0.01), "mse");
            model.TrainOnBatch(X, Y);
        }
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.GetType(), loaded.GetType());
            Assert.Equal(model.Predict(X, verbose: 0).ToFloatArray(), loaded.Predict(X, verbose: 0).ToFloatArray());
            Assert.Equal(LayerRegistry.Serialize(model).ToJsonString(), LayerRegistry.Serialize(loaded).ToJsonString());
            Assert.Equal(compiled, loaded.IsCompiled);
            if (compiled)
            {
                var a = model.Optimizer!.Variables;
                var b = loaded.Optimizer!.Variables;
                Assert.Equal(a.Count, b.Count);
                for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].ToDoubleArray(), b[i].ToDoubleArray());
                Assert.Equal(model.Optimizer!.GetConfig().ToJsonString(), loaded.Optimizer!.GetConfig().ToJsonString());
                // Both continue identically.
                model.TrainOnBatch(X, Y);
                loaded.TrainOnBatch(X, Y);
                Assert.Equal(model.Predict(X, verbose: 0).ToFloatArray(), loaded.Predict(X, verbose: 0).ToFloatArray());
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ArchiveMembersAreStoredInKerasOrder()
    {
        var path = Archives.Temp(".keras");
        try
        {
            FixtureLikeSequential().Save(path);
            var entries = Archives.Entries(path);
            Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], entries.Select(e => e.Name));
            foreach (var e in entries) Assert.Equal(e.Bytes.Length, e.Compressed);
            var metadata = JsonNode.Parse(entries[0].Bytes)!.AsObject();
            Assert.Equal(KerasArchive.KerasVersion, metadata["keras_version"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$", metadata["date_saved"]!.GetValue<string>());
            var config = JsonNode.Parse(entries[1].Bytes)!.AsObject();
            Assert.Equal(["module", "class_name", "config", "registered_name", "build_config", "compile_config"], config.Select(p => p.Key));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void WrittenLayoutMatchesKeras(string version)
    {
        var plain = FixtureLikeSequential();
        var fitted = FixtureLikeSequential();
        fitted.Compile(new Adam(learningRate: 0.01), "mse");
        fitted.TrainOnBatch(X, Y);
        foreach (var (model, name) in new[] { (plain, "seq_plain"), (fitted, "seq_adam_fit1") })
        {
            var path = Archives.Temp(".keras");
            try
            {
                model.Save(path);
                var ours = Archives.ListHdf5(Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes);
                var keras = Archives.ParseLayout(File.ReadAllText(Fixture.PathOf(version, name + ".h5_layout.txt")));
                Assert.Equal(keras, ours);
                var theirs = Archives.ListHdf5(Archives.Entries(Fixture.PathOf(version, name + ".keras")).Single(e => e.Name == "model.weights.h5").Bytes);
                Assert.Equal(keras, theirs);
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void SubclassedPathsFollowAttributes()
    {
        var model = Subclassed();
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var ours = Archives.ListHdf5(Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes);
            Assert.Contains("D blocks/dense/vars/0 (4, 4) float32", ours);
            Assert.Contains("D blocks/dense_1/vars/1 (4) float32", ours);
            Assert.Contains("D body/vars/0 (3, 4) float32", ours);
            Assert.Contains("D head/vars/0 (4, 2) float32", ours);
            Assert.Contains("A vars two_tower_model", ours);
            var config = System.Text.Json.Nodes.JsonNode.Parse(Archives.Config(path))!;
            Assert.Equal("LayerGen.KerasFormat.Tests>TwoTowerModel", config["registered_name"]!.GetValue<string>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WeightsAloneRoundTrip()
    {
        var a = FixtureLikeSequential();
        var b = FixtureLikeSequential();
        var path = Archives.Temp(".weights.h5");
        try
        {
            a.SaveWeights(path);
            b.LoadWeights(path);
            Assert.Equal(a.Predict(X, verbose: 0).ToFloatArray(), b.Predict(X, verbose: 0).ToFloatArray());
            Assert.Throws<ArgumentException>(() => a.SaveWeights(Archives.Temp(".h5")));
        }
        finally { File.Delete(path); }
    }
}
