using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// A damaged weights file's error says, in LayerGen's words, which file (or archive member) and which HDF5 path was being
/// read; the HDF5 reader's own text is only quoted, and kept as the inner exception (issue 20, item 6).
/// </summary>
public class WrappedMessageTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_adam_fit1.keras");

    [Fact]
    public void ADamagedHdf5MemberIsNamedWithItsArchive()
    {
        var path = Archives.Rewrite(Good, (n, b) => n == "model.weights.h5" ? [.. b.Take(600), .. new byte[100]] : b);
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains($"model.weights.h5 in '{path}'", e.Message);
        Assert.Contains("The HDF5 reader reported", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void NotHdf5AtAllIsNamedWithTheFile()
    {
        var model = Model.Load(Good);
        var file = Archives.Temp(".weights.h5");
        File.WriteAllBytes(file, new byte[4096]);
        var e = Assert.Throws<KerasFormatException>(() => model.LoadWeights(file));
        Assert.Contains($"'{file}'", e.Message);
        Assert.Contains("4096 bytes", e.Message);
        Assert.Contains("not a readable HDF5 file", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void DamageInsideAGroupNamesTheGroup()
    {
        // Bytes of the first layer's B-tree/heap area are zeroed: the group is found but cannot be read.
        var bytes = Archives.Entries(Good).Single(e => e.Name == "model.weights.h5").Bytes;
        var model = Model.Load(Good);
        var failures = 0;
        for (int at = 800; at < bytes.Length; at += 97)
        {
            var bad = (byte[])bytes.Clone();
            Array.Clear(bad, at, Math.Min(64, bad.Length - at));
            try { KerasArchive.LoadWeights(model, new MemoryStream(bad, writable: false)); }
            catch (KerasFormatException e) when (e.InnerException is not null and not KerasFormatException)
            {
                failures++;
                Assert.Contains("'(stream)'", e.Message);
                Assert.Contains("The HDF5 reader reported", e.Message);
                Assert.Matches("at '[^']*'|not a readable HDF5 file", e.Message);
            }
            catch (KerasFormatException) { }
        }
        Assert.True(failures > 0, "no damage reached the HDF5 reader");
    }
}
