using LayerGen.Formats.Keras;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>One round trip run over every <see cref="IWeightsStore"/>: save a model, load into a fresh one, same weights.</summary>
public class WeightsStoreTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));

    /// <summary>Every store the runtime has, with the file name it saves to. A new store must be added here.</summary>
    private static readonly string[] StoreNames = ["safetensors", "checkpoint", "keras-weights-h5"];

    public static TheoryData<string> Stores() => [.. StoreNames];

    private static (IWeightsStore Store, string Path) Make(string name) => name switch
    {
        "safetensors" => (new SafeTensorsWeightsStore(), Archives.Temp(".safetensors")),
        "checkpoint" => (new CheckpointWeightsStore(), Archives.Temp("-ckpt")),
        "keras-weights-h5" => (new KerasWeightsStore(), Archives.Temp(".weights.h5")),
        _ => throw new ArgumentException(name),
    };

    private static Model NewModel()
    {
        var input = Keras.Input([3]);
        var h = new Dense(4, activation: "relu").Invoke(input);
        var o = new ScaledDense(2).Invoke(h);
        return new Model(input, o);
    }

    [Fact]
    public void EveryPublicStoreIsCovered()
    {
        var stores = typeof(IWeightsStore).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWeightsStore).IsAssignableFrom(t))
            .ToList();
        Assert.Equal(StoreNames.Length, stores.Count);
        foreach (var name in StoreNames) Assert.Contains(Make(name).Store.GetType(), stores);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void SaveThenLoadRestoresEveryVariable(string name)
    {
        var (store, path) = Make(name);
        Assert.Equal(name, store.FormatName);
        Keras.ClearSession();
        var model = NewModel();
        var expected = model.Predict(X, verbose: 0).ToArray<float>();
        store.Save(model, path);

        Keras.ClearSession();
        var fresh = NewModel();
        Assert.NotEqual(expected, fresh.Predict(X, verbose: 0).ToArray<float>());
        var report = store.Load(fresh, path);
        report.AssertConsumed();
        Assert.Equal(expected, fresh.Predict(X, verbose: 0).ToArray<float>());
        Assert.Equal(model.GetWeights().SelectMany(w => w.ToFloatArray()), fresh.GetWeights().SelectMany(w => w.ToFloatArray()));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void StreamStoresRoundTripThroughAMemoryStream(string name)
    {
        if (Make(name).Store is not IStreamWeightsStore store)
        {
            Assert.Equal("checkpoint", name); // a checkpoint is several files: the one store without streams
            return;
        }
        Keras.ClearSession();
        var model = NewModel();
        var ms = new MemoryStream();
        store.Save(model, ms);
        Keras.ClearSession();
        var fresh = NewModel();
        ms.Position = 0;
        store.Load(fresh, ms).AssertConsumed();
        Assert.Equal(model.Predict(X, verbose: 0).ToArray<float>(), fresh.Predict(X, verbose: 0).ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ShapeMismatchAssignsNothing(string name)
    {
        var (store, path) = Make(name);
        Keras.ClearSession();
        store.Save(new Sequential([new InputLayer(shape: [3]), new Dense(3), new Dense(2)]), path);
        Keras.ClearSession();
        var other = new Sequential([new InputLayer(shape: [3]), new Dense(3), new Dense(5)]);
        var before = other.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray();
        var ex = Assert.ThrowsAny<LayerGenException>(() => store.Load(other, path));
        Assert.True(ex is LayerGenFormatException or CheckpointMismatchException, ex.GetType().Name);
        Assert.Equal(before, other.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ValuesNoVariableTookAreReported(string name)
    {
        var (store, path) = Make(name);
        Keras.ClearSession();
        store.Save(new Sequential([new InputLayer(shape: [3]), new Dense(3), new Dense(2)]), path);
        Keras.ClearSession();
        var smaller = new Sequential([new InputLayer(shape: [3]), new Dense(3)]);
        var report = store.Load(smaller, path);
        Assert.Empty(report.MissingFromFile);
        Assert.NotEmpty(report.UnusedInFile);
        Assert.Contains(report.UnusedInFile, k => k.Contains("dense_1", StringComparison.Ordinal));
        Assert.Throws<CheckpointMismatchException>(() => report.AssertConsumed());
    }

    [Fact]
    public void KerasStoreWritesTheBytesOfSaveWeights()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(3), new Dense(2)]);
        model.Compile(new Adam(), "mse");
        var viaModel = Archives.Temp(".weights.h5");
        var viaStore = Archives.Temp(".weights.h5");
        model.SaveWeights(viaModel);
        new KerasWeightsStore().Save(model, viaStore);
        Assert.Equal(File.ReadAllBytes(viaModel), File.ReadAllBytes(viaStore));
    }
}
