using LayerGen.Formats.Keras;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>The .keras and .weights.h5 Stream overloads: write to a MemoryStream, read back, same model.</summary>
public class StreamTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));

    private static Sequential Trained()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(3, activation: "relu"), new Dense(2)]);
        model.Compile(new Adam(learningRate: 0.01), "mse");
        model.TrainOnBatch(X, Y);
        return model;
    }

    [Fact]
    public void KerasArchiveRoundTripsThroughAStream()
    {
        var model = Trained();
        var expected = model.Predict(X, verbose: 0).ToArray<float>();
        var ms = new MemoryStream();
        model.Save(ms);
        Assert.True(ms.Length > 0);
        ms.Position = 0;
        var loaded = Model.Load(ms);
        Assert.Equal(expected, loaded.Predict(X, verbose: 0).ToArray<float>());
        Assert.Equal(model.Optimizer!.Iterations.ToScalar<long>(), loaded.Optimizer!.Iterations.ToScalar<long>());

        // A stream that does not start with the archive reads from its position.
        var shifted = new MemoryStream();
        shifted.Write([1, 2, 3]);
        model.Save(shifted);
        shifted.Position = 3;
        Assert.Equal(expected, Model.Load(shifted).Predict(X, verbose: 0).ToArray<float>());

        // The archive written to a stream is one Keras's layout: the same members a file gets.
        var path = Archives.Temp(".keras");
        File.WriteAllBytes(path, ms.ToArray());
        Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], Archives.Entries(path).Select(e => e.Name));
    }

    [Fact]
    public void WeightsFileRoundTripsThroughAStreamWithTheFileBytes()
    {
        var model = Trained();
        var ms = new MemoryStream();
        model.SaveWeights(ms);
        var path = Archives.Temp(".weights.h5");
        model.SaveWeights(path);
        Assert.Equal(File.ReadAllBytes(path), ms.ToArray());

        Keras.ClearSession();
        var other = new Sequential([new InputLayer(shape: [3]), new Dense(3, activation: "relu"), new Dense(2)]);
        var shifted = new MemoryStream();
        shifted.Write([7, 7]);
        ms.WriteTo(shifted);
        shifted.Position = 2;
        other.LoadWeights(shifted);
        Assert.Equal(model.Predict(X, verbose: 0).ToArray<float>(), other.Predict(X, verbose: 0).ToArray<float>());
    }

    [Fact]
    public void DamagedStreamIsAKerasFormatExceptionAndALayerGenFormatException()
    {
        var ms = new MemoryStream("not a zip"u8.ToArray());
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => Model.Load(ms));
        Assert.IsType<KerasFormatException>(ex);
        Assert.Contains(KerasArchive.StreamName, ex.Message);
    }

    [Fact]
    public void DamagedWeightsFileIsALayerGenFormatException()
    {
        var model = Trained();
        var ms = new MemoryStream();
        model.SaveWeights(ms);
        var bytes = ms.ToArray()[..600];
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => model.LoadWeights(new MemoryStream(bytes)));
        Assert.IsType<KerasFormatException>(ex);
    }
}
