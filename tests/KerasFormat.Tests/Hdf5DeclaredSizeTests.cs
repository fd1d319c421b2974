using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>A damaged dataset dimension in a weights file is refused before its values are allocated (issue 20, item 7).</summary>
public class Hdf5DeclaredSizeTests
{
    [Theory]
    [InlineData("keras-3.15.1-numpy", 15907, 0x40)] // a dimension of the Adam slot becomes ~1G elements (4 GB)
    [InlineData("keras-3.15.1-numpy", 11675, 0x04)]
    [InlineData("keras-3.11.3-torch", 11675, 0x10)]
    public void ADatasetLargerThanTheFileIsRefusedBeforeItIsRead(string version, int at, byte value)
    {
        string path = Fixture.PathOf(version, "seq_adam_fit1.keras");
        var bytes = Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes;
        var model = Model.Load(path);
        bytes[at] = value;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<KerasFormatException>(() => KerasArchive.LoadWeights(model, new MemoryStream(bytes, writable: false)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4_000_000, $"the refused load allocated {allocated} bytes for a {bytes.Length}-byte file");
        Assert.Contains("dataset '", e.Message);
        Assert.Contains($"{bytes.Length} bytes", e.Message);
    }
}
