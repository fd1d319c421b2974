using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// A damaged weights file's error says, in LayerGen's words, which file (or archive member) was being read, what in it
/// is wrong and at which byte (issue 20, item 6: no bare .NET or HDF5-library text such as "Arithmetic operation
/// resulted in an overflow").
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
        Assert.Matches("at byte [0-9]+", e.Message);
    }

    [Fact]
    public void NotHdf5AtAllIsNamedWithTheFile()
    {
        var model = Model.Load(Good);
        var file = Archives.Temp(".weights.h5");
        File.WriteAllBytes(file, new byte[4096]);
        var e = Assert.Throws<KerasFormatException>(() => model.LoadWeights(file));
        Assert.Contains($"'{file}'", e.Message);
        Assert.Contains("HDF5 signature is not there", e.Message);
    }

    [Fact]
    public void DamageInsideAGroupNamesTheGroup()
    {
        // Runs of 64 bytes are zeroed across the file: every refusal names the file and says where.
        var bytes = Archives.Entries(Good).Single(e => e.Name == "model.weights.h5").Bytes;
        var model = Model.Load(Good);
        var failures = 0;
        for (int at = 800; at < bytes.Length; at += 97)
        {
            var bad = (byte[])bytes.Clone();
            Array.Clear(bad, at, Math.Min(64, bad.Length - at));
            try { KerasArchive.LoadWeights(model, new MemoryStream(bad, writable: false)); }
            catch (KerasFormatException e) when (e.Message.StartsWith("The weights file", StringComparison.Ordinal))
            {
                failures++;
                Assert.Contains("'(stream)'", e.Message);
                Assert.Matches("at byte [0-9]+|dataset '[^']+'|group '[^']+'", e.Message);
                Assert.DoesNotContain("Arithmetic operation", e.Message);
            }
            catch (KerasFormatException) { } // a shape that no longer fits the model, named by the weights store
        }
        Assert.True(failures > 0, "no damage reached the HDF5 reader");
    }
}
