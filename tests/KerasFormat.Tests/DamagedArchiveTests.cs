using System.Text;
using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Damaged or hostile archives give typed errors.</summary>
public class DamagedArchiveTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_adam_fit1.keras");

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void UnregisteredClassIsRefused()
    {
        var path = Archives.Rewrite(Good, (n, b) => n == "config.json" ? Encoding.UTF8.GetBytes(Text(b).Replace("\"class_name\": \"Dense\"", "\"class_name\": \"EvilLayer\"")) : b);
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("EvilLayer", e.Message);
        Assert.Contains("not registered", e.Message);
    }

    [Fact]
    public void EntryOutsideTheArchiveIsRefused()
    {
        var path = Archives.Rewrite(Good, (n, b) => b, ("../../evil.txt", [1, 2, 3]));
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("outside the archive", e.Message);
    }

    [Fact]
    public void OversizedEntryIsRefused()
    {
        var e = Assert.Throws<KerasFormatException>(() => KerasArchive.Load(Good, maxEntryBytes: 1000));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void BrokenHdf5IsRefused()
    {
        var path = Archives.Rewrite(Good, (n, b) => n == "model.weights.h5" ? [.. b.Take(600), .. new byte[100]] : b);
        Assert.Throws<KerasFormatException>(() => Model.Load(path));
        var garbage = Archives.Rewrite(Good, (n, b) => n == "model.weights.h5" ? Encoding.UTF8.GetBytes("not hdf5 at all") : b);
        Assert.Throws<KerasFormatException>(() => Model.Load(garbage));
    }

    [Fact]
    public void WeightsThatDoNotMatchTheConfigAreRefused()
    {
        var path = Archives.Rewrite(Good, (n, b) => n == "config.json" ? Encoding.UTF8.GetBytes(Text(b).Replace("\"units\": 3", "\"units\": 5")) : b);
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("shape", e.Message);
    }

    [Fact]
    public void MissingMembersAndNonZipsAreRefused()
    {
        var noWeights = Archives.Rewrite(Good, (n, b) => n == "model.weights.h5" ? null : b);
        Assert.Throws<KerasFormatException>(() => Model.Load(noWeights));
        var notZip = Archives.Temp(".keras");
        File.WriteAllBytes(notZip, Encoding.UTF8.GetBytes("hello"));
        Assert.Throws<KerasFormatException>(() => Model.Load(notZip));
    }

    [Fact]
    public void LoadWeightsLeavesTheModelUnchangedOnError()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(3), new Dense(5)]);
        var before = model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray();
        var weights = Archives.Temp(".weights.h5");
        File.WriteAllBytes(weights, Archives.Entries(Good).Single(e => e.Name == "model.weights.h5").Bytes);
        Assert.Throws<KerasFormatException>(() => model.LoadWeights(weights));
        Assert.Equal(before, model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
    }
}
