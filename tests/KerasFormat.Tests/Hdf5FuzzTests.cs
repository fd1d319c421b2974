using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Damaged HDF5 weights (issue 20, items 6 and 7): single bytes of a real Keras <c>model.weights.h5</c> are changed
/// and the file is loaded. Every load either succeeds or throws <see cref="KerasFormatException"/>, and none allocates
/// more than a small multiple of the file's size (a damaged dimension or heap size must not be believed).
/// </summary>
public class Hdf5FuzzTests
{
    /// <summary>The most a load of a file of <c>n</c> bytes may allocate: a fixed allowance for the model and the reader, plus a multiple of the file.</summary>
    private static long Budget(long n) => 4_000_000 + 64 * n;

    [Theory]
    [InlineData("keras-3.15.1-numpy", "seq_plain.keras", 1)]
    [InlineData("keras-3.15.1-numpy", "seq_adam_fit1.keras", 2)]
    [InlineData("keras-3.11.3-torch", "seq_adam_fit1.keras", 3)]
    [InlineData("layergen", "seq_adam_fit1.keras", 4)] // the fixture saved again by LayerGen's own HDF5 writer
    public void SingleByteDamageGivesTypedErrorsAndBoundedAllocation(string version, string file, int seed)
    {
        string path = Fixture.PathOf(version == "layergen" ? "keras-3.15.1-numpy" : version, file);
        var model = Model.Load(path);
        if (version == "layergen")
        {
            path = Archives.Temp(".keras");
            model.Save(path);
        }
        var good = Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes;
        var random = new Random(seed);
        byte[] values = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x10, 0x40];
        var failures = new List<string>();
        long worst = 0;
        for (int trial = 0; trial < 1500; trial++)
        {
            var bad = (byte[])good.Clone();
            int at = random.Next(bad.Length);
            bad[at] = random.Next(3) == 0 ? (byte)(bad[at] ^ (1 << random.Next(8))) : values[random.Next(values.Length)];
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { KerasArchive.LoadWeights(model, new MemoryStream(bad, writable: false)); }
            catch (KerasFormatException) { }
            catch (Exception e) { failures.Add($"byte {at} = 0x{bad[at]:x2}: {e.GetType().Name}: {e.Message}"); }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worst = Math.Max(worst, allocated);
            if (allocated > Budget(bad.Length))
                failures.Add($"byte {at} = 0x{bad[at]:x2}: allocated {allocated} bytes for a {bad.Length}-byte file");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} bad loads (worst allocation {worst}):\n{string.Join("\n", failures.Take(20))}");
    }
}
