using System.Text;
using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Issue 20 item 11: <c>LoadWeights</c> accepts a <c>.keras</c> archive, as Keras 3's <c>load_weights</c> does.</summary>
public class LoadWeightsFromArchiveTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));

    private static Sequential NewModel() => new([new InputLayer(shape: [3]), new Dense(4, activation: "relu"), new Dense(2)]);

    [Fact]
    public void WeightsOfASavedArchiveLoadIntoAFreshModel()
    {
        Keras.ClearSession();
        var model = NewModel();
        var expected = model.Predict(X, verbose: 0).ToArray<float>();
        var path = Archives.Temp(".keras");
        model.Save(path);

        Keras.ClearSession();
        var fresh = NewModel();
        Assert.NotEqual(expected, fresh.Predict(X, verbose: 0).ToArray<float>());
        fresh.LoadWeights(path);
        Assert.Equal(expected, fresh.Predict(X, verbose: 0).ToArray<float>());
    }

    [Fact]
    public void WeightsOfAnArchiveLoadFromAStream()
    {
        Keras.ClearSession();
        var model = NewModel();
        var ms = new MemoryStream();
        model.Save(ms);
        Keras.ClearSession();
        var fresh = NewModel();
        ms.Position = 0;
        fresh.LoadWeights(ms);
        Assert.Equal(model.Predict(X, verbose: 0).ToArray<float>(), fresh.Predict(X, verbose: 0).ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void WeightsOfAKerasWrittenArchiveLoadIntoAModelBuiltFromItsConfig(string version)
    {
        var r = Fixture.Reference(version);
        var path = Fixture.PathOf(version, "seq_plain.keras");
        var config = (JsonObject)JsonNode.Parse(Archives.Entries(path).Single(e => e.Name == "config.json").Bytes)!;
        var fresh = (Model)LayerRegistry.Deserialize(config);
        var x = Fixture.Matrix(r, "x");
        Assert.NotEqual(Fixture.Flat(r["plain_predict"]), fresh.Predict(x, verbose: 0).ToFloatArray());
        fresh.LoadWeights(path);
        Fixture.Close(Fixture.Flat(r["plain_predict"]), fresh.Predict(x, verbose: 0).ToFloatArray());
    }

    [Fact]
    public void AnArchiveOfAnotherArchitectureChangesNothing()
    {
        Keras.ClearSession();
        var path = Archives.Temp(".keras");
        NewModel().Save(path);
        Keras.ClearSession();
        var other = new Sequential([new InputLayer(shape: [3]), new Dense(4, activation: "relu"), new Dense(5)]);
        var before = other.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray();
        Assert.ThrowsAny<LayerGenException>(() => other.LoadWeights(path));
        Assert.Equal(before, other.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
    }

    [Fact]
    public void AZipWithoutWeightsIsRefusedByName()
    {
        var path = Archives.Temp(".keras");
        Archives.Write(path, [("config.json", Encoding.UTF8.GetBytes("{}"))]);
        Keras.ClearSession();
        var ex = Assert.Throws<KerasFormatException>(() => NewModel().LoadWeights(path));
        Assert.Contains("model.weights.h5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedWeightsMemberIsRefused()
    {
        Keras.ClearSession();
        var path = Archives.Temp(".keras");
        NewModel().Save(path);
        var damaged = path;
        // flip one byte of the stored weights member inside the zip without fixing its CRC-32
        var raw = File.ReadAllBytes(damaged);
        var h5 = Archives.Entries(damaged).Single(e => e.Name == "model.weights.h5").Bytes;
        int at = IndexOf(raw, h5.AsSpan(h5.Length - 64, 32));
        Assert.True(at > 0);
        raw[at] ^= 0x55;
        File.WriteAllBytes(damaged, raw);
        Keras.ClearSession();
        var ex = Assert.Throws<KerasFormatException>(() => NewModel().LoadWeights(damaged));
        Assert.Contains("CRC-32", ex.Message, StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
